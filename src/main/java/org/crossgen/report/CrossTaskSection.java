package org.crossgen.report;

import java.util.ArrayList;
import java.util.List;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.report.ReportBlock.Table;

/** The cross-task section of the report: training task and method against evaluation task, per setting. */
final class CrossTaskSection {
    private CrossTaskSection() {}

    /** The cross-task section: one matrix and heatmap per evaluation setting; nothing without values. */
    static void add(List<ReportBlock> blocks, StudyResults r, String prefix) {
        List<CrossTaskMatrix> ms = r.settings().stream().map(s -> CrossTaskMatrix.of(r, s)).filter(CrossTaskMatrix::hasValues).toList();
        if (ms.isEmpty()) return;
        blocks.add(new Heading(2, "Cross-task transfer"));
        blocks.add(new Paragraph("Rows: training task and method; columns: evaluation task. Each cell is the mean Δ vs base "
                + "in the evaluation task's primary metric over (fine-tuned model, test set) pairs, seeds averaged, with a "
                + "bootstrap interval over those pairs; the diagonal mixes in-domain and out-of-domain test sets."));
        for (CrossTaskMatrix m : ms) {
            List<String> header = new ArrayList<>();
            header.add("training task · method");
            for (int j = 0; j < m.evalTasks().size(); j++) header.add(m.evalTasks().get(j) + " (Δ" + MetricNames.display(m.metrics().get(j)) + ")");
            List<List<Cell>> rows = new ArrayList<>();
            for (int i = 0; i < m.rowLabels().size(); i++) {
                List<Cell> row = new ArrayList<>();
                row.add(Cell.of(m.rowLabels().get(i)));
                for (int j = 0; j < m.evalTasks().size(); j++) {
                    String text = m.cells()[i][j].format(3, true) + (m.pairs()[i][j] > 0 ? " (n=" + m.pairs()[i][j] + ")" : "");
                    row.add(new Cell(text, m.rowLabels().get(i).startsWith(m.evalTasks().get(j) + " · ") ? "strong" : ""));
                }
                rows.add(row);
            }
            String slug = prefix + "cross-task-" + m.setting().slug();
            blocks.add(new Table(slug, "Cross-task matrix, " + m.setting().label() + ": mean Δ vs base", header, rows));
            Heatmap h = new Heatmap("Cross-task mean Δ vs base (" + m.setting().label() + ")", m.rowLabels(), m.evalTasks(), m.cells(),
                    "mean Δ (primary metric) vs base");
            blocks.add(new Figure(slug + ".png", "Cross-task transfer, " + m.setting().label(), h.png(), h.svg()));
        }
    }
}
