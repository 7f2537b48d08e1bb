package org.crossgen.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** N-gram counting and clipped matching, shared by ROUGE-N, BLEU and chrF. */
final class Ngrams {
    private Ngrams() {}

    /** Counts of the n-grams of {@code tokens}, keyed by the tokens joined with single spaces. */
    static Map<String, Integer> count(List<String> tokens, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            // Callers' tokens contain no spaces, so the joined key is unambiguous.
            counts.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }

    /** Matches with each n-gram counted at most as often as it occurs on both sides. */
    static long clippedMatches(Map<String, Integer> a, Map<String, Integer> b) {
        long matches = 0;
        for (Map.Entry<String, Integer> e : a.entrySet()) matches += Math.min(e.getValue(), b.getOrDefault(e.getKey(), 0));
        return matches;
    }

    /** Number of n-grams counted, repeats included. */
    static long total(Map<String, Integer> counts) {
        long total = 0;
        for (int c : counts.values()) total += c;
        return total;
    }
}
