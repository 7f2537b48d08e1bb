package org.crossgen.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Scores of a set of generations against their references.
 *
 * @param n          number of pairs, at least 1
 * @param meanRougeF plain mean over pairs of each ROUGE variant's F-measure, in [0, 1]
 * @param bleu       corpus BLEU (0–100)
 * @param chrf       corpus chrF (0–100)
 * @param pairs      per-pair scores, in input order; {@code n} of them
 */
public record GenerationScores(int n, Map<RougeType, Double> meanRougeF, BleuScore bleu, ChrfScore chrf,
                               List<PairScores> pairs) {
    public GenerationScores {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        if (pairs.size() != n) throw new IllegalArgumentException("expected " + n + " pair scores, got " + pairs.size());
        if (!meanRougeF.keySet().containsAll(List.of(RougeType.values()))) {
            throw new IllegalArgumentException("meanRougeF needs every ROUGE type, got " + meanRougeF.keySet());
        }
        meanRougeF = Collections.unmodifiableMap(new EnumMap<>(meanRougeF));
        pairs = List.copyOf(pairs);
    }
}
