package org.crossgen.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF as sacreBLEU 2.x's {@code CHRF()} defaults compute it: character n-grams of orders 1..6
 * with whitespace removed, no word n-grams, β = 2, case-sensitive, and effective-order averaging
 * (precision and recall are averaged over the orders both sides have n-grams for, then combined
 * into one F-β). One reference per hypothesis. Checked against sacreBLEU 2.5.1 to 1e-6 in
 * {@code RougeBleuGoldenTest}.
 */
public final class Chrf {
    static final int CHAR_ORDER = 6;
    static final int BETA = 2;
    static final String SIGNATURE = "nrefs:1|case:mixed|eff:yes|nc:" + CHAR_ORDER
            + "|nw:0|space:no|version:" + Bleu.SACREBLEU_VERSION;

    private Chrf() {}

    /** Corpus chrF: statistics summed over all pairs, then one F-β. Lists of equal length. */
    public static ChrfScore corpusScore(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("need one reference per hypothesis, got "
                    + hypotheses.size() + " hypotheses and " + references.size() + " references");
        }
        long[] stats = new long[3 * CHAR_ORDER];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] segment = segmentStats(hypotheses.get(i), references.get(i));
            for (int k = 0; k < stats.length; k++) stats[k] += segment[k];
        }
        return new ChrfScore(fScore(stats), SIGNATURE);
    }

    /** {@code sacrebleu.sentence_chrf(hypothesis, [reference])}. */
    public static ChrfScore sentenceScore(String hypothesis, String reference) {
        return new ChrfScore(fScore(segmentStats(hypothesis, reference)), SIGNATURE);
    }

    /** Per order n = 1..6: [hypothesis n-grams, reference n-grams, matches], flattened. */
    private static long[] segmentStats(String hypothesis, String reference) {
        int[] hyp = withoutWhitespace(hypothesis);
        int[] ref = withoutWhitespace(reference);
        long[] stats = new long[3 * CHAR_ORDER];
        for (int n = 1; n <= CHAR_ORDER; n++) {
            Map<String, Integer> hypCounts = ngramCounts(hyp, n);
            Map<String, Integer> refCounts = ngramCounts(ref, n);
            int i = 3 * (n - 1);
            // sacreBLEU does not count hypothesis n-grams of an order the reference lacks.
            stats[i] = refCounts.isEmpty() ? 0 : Ngrams.total(hypCounts);
            stats[i + 1] = Ngrams.total(refCounts);
            stats[i + 2] = Ngrams.clippedMatches(hypCounts, refCounts);
        }
        return stats;
    }

    /** Code points of {@code text} with Python-whitespace removed ({@code ''.join(text.split())}). */
    private static int[] withoutWhitespace(String text) {
        return String.join("", PythonWhitespace.split(text)).codePoints().toArray();
    }

    private static Map<String, Integer> ngramCounts(int[] codePoints, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= codePoints.length; i++) {
            counts.merge(new String(codePoints, i, n), 1, Integer::sum);
        }
        return counts;
    }

    /** Effective-order chrF: mean P and mean R over orders with n-grams on both sides, then F-β. */
    static double fScore(long[] stats) {
        double factor = BETA * BETA;
        double avgPrecision = 0;
        double avgRecall = 0;
        int effectiveOrder = 0;
        for (int n = 0; n < CHAR_ORDER; n++) {
            long hyp = stats[3 * n];
            long ref = stats[3 * n + 1];
            long match = stats[3 * n + 2];
            if (hyp > 0 && ref > 0) {
                avgPrecision += (double) match / hyp;
                avgRecall += (double) match / ref;
                effectiveOrder++;
            }
        }
        if (effectiveOrder == 0) return 0.0;
        avgPrecision /= effectiveOrder;
        avgRecall /= effectiveOrder;
        if (avgPrecision + avgRecall == 0) return 0.0;
        double score = (1 + factor) * avgPrecision * avgRecall;
        score /= factor * avgPrecision + avgRecall;
        return 100 * score;
    }
}
