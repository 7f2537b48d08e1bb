package org.crossgen.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crossgen.report.ReportBlock.Details;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.study.ResultRow;

/**
 * The report's truncation section: every cell whose prompts were fitted to the token budget, and a
 * warning line when a cell lost demonstrations in more than {@link ResultRow#LOST_DEMONSTRATIONS_WARNING}
 * of its records: such a cell is no longer the k-shot evaluation its label says. Nothing when no
 * prompt was truncated.
 */
final class TruncationSection {
    private TruncationSection() {}

    static List<ReportBlock> blocks(List<ResultRow> results) {
        Map<String, ResultRow> cells = new LinkedHashMap<>(); // one row per cell (a cell has a row per metric)
        for (ResultRow r : results) if (r.truncated() > 0) cells.putIfAbsent(label(r), r);
        List<ReportBlock> blocks = new ArrayList<>();
        if (cells.isEmpty()) return blocks;
        blocks.add(new Heading(2, "Truncation"));
        List<String> lost = cells.entrySet().stream().filter(e -> e.getValue().lostDemonstrationsOften()).map(Map.Entry::getKey).toList();
        if (!lost.isEmpty()) {
            blocks.add(new Paragraph(String.format(Locale.ROOT, "Warning: %d cell(s) lost demonstrations in more than %.0f%% of their "
                    + "records, so they are not the shot count they are labelled with; raise limits.max_length (up to the model's "
                    + "context): %s.", lost.size(), 100 * ResultRow.LOST_DEMONSTRATIONS_WARNING, String.join("; ", lost))));
        }
        blocks.add(new Paragraph(cells.size() + " cell(s) had prompts fitted to the token budget (demonstrations dropped first, "
                + "then input cut; docs/prompts.md)."));
        List<String> items = new ArrayList<>();
        cells.forEach((label, r) -> items.add(String.format(Locale.ROOT, "%s: %d of %d records truncated, %d lost demonstrations",
                label, r.truncated(), r.n(), r.lostDemonstrations())));
        blocks.add(new Details("Truncated cells", items));
        return blocks;
    }

    private static String label(ResultRow r) {
        String model = r.method().fineTuned()
                ? r.method().id() + (r.trainShots() > 0 ? Integer.toString(r.trainShots()) : "") + " " + r.trainDataset() + " n=" + r.trainSize()
                        + " seed=" + r.seed()
                : "base";
        return r.baseModel() + " " + model + " on " + r.evalDataset() + " t" + r.template() + " k" + r.shots();
    }
}
