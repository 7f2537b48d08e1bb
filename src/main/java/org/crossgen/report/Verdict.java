package org.crossgen.report;

/** What the study's numbers say about one of the paper's findings. */
public enum Verdict {
    /** The 95% interval lies entirely on the side the paper claims. */
    SUPPORTED("supported"),
    /** The 95% interval lies entirely on the other side. */
    NOT_SUPPORTED("not supported"),
    /** The interval spans 0, or there is no interval. */
    INCONCLUSIVE("inconclusive"),
    /** The study has no rows to measure it. */
    NOT_EVALUATED("not evaluated");

    private final String text;

    Verdict(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The verdict on a claim that the measure is positive ({@code claimedSign = 1}) or negative (−1). */
    static Verdict of(Estimate measure, int claimedSign, int pairs) {
        if (pairs == 0 || !measure.hasValue()) return NOT_EVALUATED;
        int side = measure.side();
        return side == 0 ? INCONCLUSIVE : side == claimedSign ? SUPPORTED : NOT_SUPPORTED;
    }
}
