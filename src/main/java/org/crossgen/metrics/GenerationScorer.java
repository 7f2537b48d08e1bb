package org.crossgen.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Scores generations the way the summarization and question tasks report them: mean ROUGE F of
 * every variant, corpus BLEU and corpus chrF, plus per-pair ROUGE F and sentence BLEU.
 */
public final class GenerationScorer {
    private final RougeScorer rouge;

    /** @param useStemmer Porter-stem ROUGE tokens (BLEU and chrF never stem) */
    public GenerationScorer(boolean useStemmer) {
        this.rouge = RougeScorer.allTypes(useStemmer);
    }

    /** Scores {@code pairs}; at least one. */
    public GenerationScores score(List<TextPair> pairs) {
        if (pairs.isEmpty()) throw new IllegalArgumentException("no pairs to score");
        List<PairScores> perPair = new ArrayList<>(pairs.size());
        List<String> references = new ArrayList<>(pairs.size());
        List<String> hypotheses = new ArrayList<>(pairs.size());
        for (TextPair pair : pairs) {
            Map<RougeType, RougeScore> r;
            try {
                r = rouge.score(pair.reference(), pair.hypothesis());
            } catch (IllegalArgumentException e) { // texts too long to score: say which pair
                throw new IllegalArgumentException("pair " + (perPair.size() + 1) + " of " + pairs.size() + ": " + e.getMessage(), e);
            }
            perPair.add(new PairScores(r.get(RougeType.ROUGE1).f1(), r.get(RougeType.ROUGE2).f1(),
                    r.get(RougeType.ROUGE_L).f1(), r.get(RougeType.ROUGE_LSUM).f1(),
                    Bleu.sentenceScore(pair.hypothesis(), pair.reference()).score()));
            references.add(pair.reference());
            hypotheses.add(pair.hypothesis());
        }
        Map<RougeType, Double> means = new EnumMap<>(RougeType.class);
        for (RougeType type : RougeType.values()) {
            means.put(type, perPair.stream().mapToDouble(p -> p.rougeF(type)).sum() / pairs.size());
        }
        return new GenerationScores(pairs.size(), means, Bleu.corpusScore(hypotheses, references),
                Chrf.corpusScore(hypotheses, references), perPair);
    }
}
