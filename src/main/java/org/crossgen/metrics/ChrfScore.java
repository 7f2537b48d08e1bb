package org.crossgen.metrics;

/**
 * A chrF result.
 *
 * @param score     chrF on sacreBLEU's 0–100 scale
 * @param signature sacreBLEU's signature, e.g.
 *                  {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.5.1+src}
 */
public record ChrfScore(double score, String signature) {
    public ChrfScore {
        if (!(score >= 0) || Double.isInfinite(score)) {
            throw new IllegalArgumentException("score must be finite and >= 0, got " + score);
        }
    }
}
