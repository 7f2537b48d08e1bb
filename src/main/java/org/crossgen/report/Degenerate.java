package org.crossgen.report;

import org.crossgen.metrics.LabelDistribution;

/**
 * How the report marks a degenerate classifier: a cell where one label takes more than 95% of the
 * predictions, whose accuracy is the label prior rather than skill. A Δ or a comparison is marked
 * when either of its cells is.
 */
final class Degenerate {
    static final String MARK = "‡";
    static final String NOTE = MARK + " degenerate: one label takes more than "
            + Math.round(LabelDistribution.DEGENERATE_SHARE * 100) + "% of a compared classifier's predictions";
    /** For a figure's legend. */
    static final String SHORT_NOTE = MARK + " degenerate: one label > " + Math.round(LabelDistribution.DEGENERATE_SHARE * 100) + "% of predictions";

    private Degenerate() {}

    /** "positive 40, negative 0 (100% positive)": predictions per label and the dominant label's share. */
    static String describe(LabelDistribution d) {
        StringBuilder b = new StringBuilder();
        d.predicted().forEach((label, n) -> b.append(b.isEmpty() ? "" : ", ").append(label).append(' ').append(n));
        if (d.predictions() > 0) b.append(String.format(java.util.Locale.ROOT, " (%.0f%% %s)", 100 * d.dominantShare(), d.dominantLabel()));
        return b.toString();
    }

    /** {@code text} with the mark appended when {@code degenerate}. */
    static String mark(String text, boolean degenerate) {
        return degenerate ? text + " " + MARK : text;
    }
}
