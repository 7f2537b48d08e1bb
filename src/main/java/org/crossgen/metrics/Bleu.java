package org.crossgen.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BLEU as sacreBLEU 2.x computes it with its defaults ({@code BLEU()}: 13a tokenizer, mixed case,
 * n-grams up to 4, {@code exp} smoothing), one reference per hypothesis. Checked against sacreBLEU
 * 2.5.1 to 1e-6 in {@code RougeBleuGoldenTest}.
 *
 * <p>{@link #corpusScore} sums matches, totals and lengths over all segments before taking the
 * geometric mean (corpus BLEU is not a mean of sentence BLEUs). {@link #sentenceScore} is
 * {@code sacrebleu.sentence_bleu}: the same with effective order, so a short hypothesis is not
 * zeroed by the orders it has no n-grams for.
 */
public final class Bleu {
    static final int MAX_ORDER = 4;
    /** The sacreBLEU release whose numbers this class reproduces, as its signatures name it. */
    static final String SACREBLEU_VERSION = "2.5.1+src";

    private Bleu() {}

    /**
     * Corpus BLEU of {@code hypotheses[i]} against {@code references[i]}; lists of equal length.
     * An empty reference is a reference with no tokens.
     */
    public static BleuScore corpusScore(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("need one reference per hypothesis, got "
                    + hypotheses.size() + " hypotheses and " + references.size() + " references");
        }
        Stats corpus = new Stats();
        for (int i = 0; i < hypotheses.size(); i++) corpus.add(hypotheses.get(i), references.get(i));
        return corpus.score(false);
    }

    /** {@code sacrebleu.sentence_bleu(hypothesis, [reference])}: exp smoothing, effective order. */
    public static BleuScore sentenceScore(String hypothesis, String reference) {
        Stats segment = new Stats();
        segment.add(hypothesis, reference);
        return segment.score(true);
    }

    /** Sufficient statistics summed over segments. */
    private static final class Stats {
        final long[] correct = new long[MAX_ORDER];
        final long[] total = new long[MAX_ORDER];
        long sysLen;
        long refLen;

        void add(String hypothesis, String reference) {
            List<String> hyp = Tokenizer13a.tokenize(hypothesis);
            List<String> ref = Tokenizer13a.tokenize(reference);
            for (int n = 1; n <= MAX_ORDER; n++) {
                Map<String, Integer> hypCounts = Ngrams.count(hyp, n);
                total[n - 1] += Ngrams.total(hypCounts);
                correct[n - 1] += Ngrams.clippedMatches(hypCounts, Ngrams.count(ref, n));
            }
            sysLen += hyp.size();
            refLen += ref.size();   // one reference: it is the closest reference length
        }

        BleuScore score(boolean effectiveOrder) {
            return compute(correct, total, sysLen, refLen, effectiveOrder);
        }
    }

    /**
     * sacreBLEU's {@code compute_bleu} with exp smoothing: the k-th order with no match gets
     * precision 100 / (2^k · total); with {@code effectiveOrder} the geometric mean stops at the
     * highest order the hypothesis has n-grams for. No match at any order scores exactly 0.
     */
    static BleuScore compute(long[] correct, long[] total, long sysLen, long refLen, boolean effectiveOrder) {
        double bp = sysLen >= refLen ? 1.0 : sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
        double[] precisions = new double[MAX_ORDER];
        String signature = "nrefs:1|case:mixed|eff:" + (effectiveOrder ? "yes" : "no")
                + "|tok:13a|smooth:exp|version:" + SACREBLEU_VERSION;
        boolean anyMatch = false;
        for (long c : correct) anyMatch |= c > 0;
        if (!anyMatch) return score(0.0, correct, total, precisions, bp, sysLen, refLen, signature);

        double smooth = 1.0;
        int order = MAX_ORDER;
        for (int n = 1; n <= MAX_ORDER; n++) {
            if (total[n - 1] == 0) break;
            if (effectiveOrder) order = n;
            if (correct[n - 1] == 0) {
                smooth *= 2;
                precisions[n - 1] = 100. / (smooth * total[n - 1]);
            } else {
                precisions[n - 1] = 100. * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        // sacreBLEU's my_log: log(0) is taken as -9999999999, which drives the score to 0.
        for (int n = 0; n < order; n++) logSum += precisions[n] == 0.0 ? -9999999999.0 : Math.log(precisions[n]);
        return score(bp * Math.exp(logSum / order), correct, total, precisions, bp, sysLen, refLen, signature);
    }

    private static BleuScore score(double score, long[] correct, long[] total, double[] precisions,
                                   double bp, long sysLen, long refLen, String signature) {
        List<Long> counts = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        List<Double> precisionList = new ArrayList<>();
        for (int n = 0; n < MAX_ORDER; n++) {
            counts.add(correct[n]);
            totals.add(total[n]);
            precisionList.add(precisions[n]);
        }
        return new BleuScore(score, counts, totals, precisionList, bp, sysLen, refLen, signature);
    }
}
