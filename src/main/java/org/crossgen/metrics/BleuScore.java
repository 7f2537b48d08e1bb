package org.crossgen.metrics;

import java.util.List;

/**
 * A BLEU result with its sufficient statistics, field for field sacreBLEU's {@code BLEUScore}.
 *
 * @param score      BLEU on sacreBLEU's 0–100 scale (floating point can put it a hair above 100)
 * @param counts     matched n-grams per order 1..4, clipped to the reference counts
 * @param totals     hypothesis n-grams per order 1..4
 * @param precisions smoothed n-gram precisions per order, percent
 * @param bp         brevity penalty in [0, 1]
 * @param sysLen     hypothesis tokens
 * @param refLen     reference tokens
 * @param signature  sacreBLEU's reproducibility signature, e.g.
 *                   {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.5.1+src}
 */
public record BleuScore(double score, List<Long> counts, List<Long> totals, List<Double> precisions,
                        double bp, long sysLen, long refLen, String signature) {
    public BleuScore {
        counts = List.copyOf(counts);
        totals = List.copyOf(totals);
        precisions = List.copyOf(precisions);
        if (counts.size() != totals.size() || totals.size() != precisions.size()) {
            throw new IllegalArgumentException("counts, totals and precisions must have one entry per"
                    + " n-gram order, got " + counts.size() + ", " + totals.size() + ", " + precisions.size());
        }
        if (!(score >= 0) || Double.isInfinite(score)) {
            throw new IllegalArgumentException("score must be finite and >= 0, got " + score);
        }
        if (!(bp >= 0 && bp <= 1)) throw new IllegalArgumentException("bp must be in [0, 1], got " + bp);
        if (sysLen < 0 || refLen < 0) {
            throw new IllegalArgumentException("lengths must be >= 0, got sysLen=" + sysLen + " refLen=" + refLen);
        }
    }
}
