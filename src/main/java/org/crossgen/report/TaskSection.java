package org.crossgen.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Details;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Table;
import org.crossgen.study.Method;

/**
 * The report's section of one task: per evaluation setting the train-set × test-set matrices
 * (absolute, Δ vs base), the heatmap of the primary metric and FT vs FTICL.
 */
final class TaskSection {
    /** What the predicted-label lines' AUC means. */
    static final String SCORE_AUC_NOTE = "score AUC: how well the label scores rank each label's records above the others', "
            + "whichever label wins, averaged over the labels; 0.5 is chance, so a degenerate cell near 0.5 has no signal "
            + "and one well above it has a signal that its label prior outweighs";

    private TaskSection() {}

    /** The section of one task: its matrices per evaluation setting. */
    static void add(List<ReportBlock> blocks, StudyResults r, String task, String prefix) {
        blocks.add(new Heading(2, "Task " + task + " (" + r.kind(task).name().toLowerCase(Locale.ROOT) + ")"));
        String primary = r.primaryMetric(task);
        for (Setting s : r.settings()) {
            String slug = prefix + slug(task) + "-" + s.slug();
            List<TaskMatrix> matrices = r.metrics(task).stream().map(m -> TaskMatrix.of(r, task, s, m)).filter(TaskMatrix::hasValues).toList();
            if (matrices.isEmpty()) continue;
            blocks.add(new Heading(3, task + " — " + s.label()));
            for (TaskMatrix m : matrices) {
                String metric = MetricNames.display(m.metric());
                String note = m.anyDegenerate() ? " (" + Degenerate.NOTE + ")" : "";
                blocks.add(matrixTable(r, slug + "-" + m.metric() + "-abs", task + ", " + s.label() + ": " + metric
                        + " per training set (rows) and test set (columns)" + note, m, m.absolute(), false));
                if (m.models().size() > 1) {
                    blocks.add(matrixTable(r, slug + "-" + m.metric() + "-delta",
                            task + ", " + s.label() + ": Δ" + metric + " vs base" + note, m, m.delta(), true));
                }
                if (m.metric().equals(primary) && m.models().size() > 1) {
                    List<ModelKey> ft = m.models().subList(1, m.models().size());
                    Estimate[][] cells = java.util.Arrays.copyOfRange(m.delta(), 1, m.models().size());
                    boolean[][] marks = new boolean[ft.size()][m.testSets().size()];
                    for (int i = 0; i < ft.size(); i++) for (int j = 0; j < marks[i].length; j++) marks[i][j] = m.degenerate(i + 1, j, true);
                    Heatmap h = new Heatmap(task + ": Δ" + metric + " vs base (" + s.label() + ")",
                            m.modelLabels().subList(1, m.modelLabels().size()), m.testSets(), cells, "Δ" + metric + " vs base", marks);
                    blocks.add(new Figure("delta-" + slug + "-" + m.metric() + ".png",
                            task + ": Δ" + metric + " vs base, " + s.label() + " (" + ft.size() + " fine-tuned models)", h.png(), h.svg()));
                    ftVsFticl(blocks, r, m, slug);
                }
            }
        }
        labelBlocks(blocks, r, task);
        blocks.addAll(TaskAnalyses.blocks(r, task, prefix + slug(task)));
    }

    /** Every classification cell of the task: what its model predicted, beside its accuracy and majority baseline. */
    private static void labelBlocks(List<ReportBlock> blocks, StudyResults r, String task) {
        List<ModelKey> models = new ArrayList<>();
        models.add(ModelKey.BASE);
        models.addAll(r.fineTuned());
        List<String> lines = new ArrayList<>();
        int degenerate = 0;
        for (ModelKey m : models) {
            for (String set : r.testSets(task)) {
                for (Setting s : r.settings()) {
                    var d = r.labels(m, set, s);
                    if (d == null) continue;
                    degenerate += d.degenerate() ? 1 : 0;
                    String auc = Double.isFinite(d.scoreAuc()) ? String.format(Locale.ROOT, ", score AUC %.2f", d.scoreAuc()) : "";
                    lines.add(Degenerate.mark(String.format(Locale.ROOT, "%s → %s (%s): predicted %s; accuracy %s, majority class %.3f%s",
                            r.label(m), set, s.label(), Degenerate.describe(d), r.cell(m, set, s, "accuracy").format(3, false),
                            d.majorityAccuracy(), auc), d.degenerate()));
                }
            }
        }
        if (lines.isEmpty()) return;
        blocks.add(new Details("Predicted labels of " + task + "'s " + lines.size() + " classifier cells (" + degenerate
                + " degenerate " + Degenerate.MARK + "; " + SCORE_AUC_NOTE + ")", lines));
    }

    /**
     * One row per model, one column per test set; degenerate cells marked. An absolute accuracy
     * table ends with the majority-class and uniform-chance accuracy of each test set's records.
     */
    private static Table matrixTable(StudyResults r, String id, String caption, TaskMatrix m, Estimate[][] cells, boolean delta) {
        List<String> header = new ArrayList<>();
        header.add("model");
        header.addAll(m.testSets());
        List<List<Cell>> rows = new ArrayList<>();
        for (int i = delta ? 1 : 0; i < m.models().size(); i++) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.of(m.modelLabels().get(i)));
            for (int j = 0; j < m.testSets().size(); j++) {
                String text = Degenerate.mark(cells[i][j].format(decimals(m.metric()), delta), m.degenerate(i, j, delta));
                row.add(new Cell(text, m.inDomain(i, j) ? "strong" : ""));
            }
            rows.add(row);
        }
        if (!delta && m.metric().equals("accuracy")) {
            rows.add(baselineRow("majority class", m, set -> r.testSetLabels(set) == null ? Double.NaN : r.testSetLabels(set).majorityAccuracy()));
            rows.add(baselineRow("uniform chance", m, set -> r.testSetLabels(set) == null ? Double.NaN : r.testSetLabels(set).chanceAccuracy()));
        }
        return new Table(id, caption, header, rows);
    }

    private static List<Cell> baselineRow(String name, TaskMatrix m, java.util.function.ToDoubleFunction<String> value) {
        List<Cell> row = new ArrayList<>();
        row.add(new Cell(name, "baseline"));
        for (String set : m.testSets()) {
            row.add(new Cell(new Estimate(value.applyAsDouble(set), Double.NaN, Double.NaN).format(decimals(m.metric()), false), "baseline"));
        }
        return row;
    }

    /** FT and FTICL of the same training set side by side: one row per (training set, k, test set). */
    private static void ftVsFticl(List<ReportBlock> blocks, StudyResults r, TaskMatrix m, String slug) {
        List<ModelKey> ficl = m.models().stream().filter(k -> k.method() == Method.FTICL).toList();
        if (ficl.isEmpty()) return;
        List<List<Cell>> rows = new ArrayList<>();
        int d = decimals(m.metric());
        for (ModelKey icl : ficl) {
            ModelKey ft = new ModelKey(Method.FT, icl.trainDataset(), icl.trainSize(), 0);
            for (String set : m.testSets()) {
                String style = set.equals(icl.trainDataset()) ? "strong" : "";
                Estimate ftCell = r.cell(ft, set, m.setting(), m.metric()), iclCell = r.cell(icl, set, m.setting(), m.metric());
                rows.add(List.of(Cell.of(r.label(icl).replaceFirst("^FTICL k=\\d+ ", "")), Cell.of(Integer.toString(icl.trainShots())),
                        new Cell(set + (style.isEmpty() ? "" : " (in-domain)"), style),
                        new Cell(Degenerate.mark(r.delta(ft, set, m.setting(), m.metric()).format(d, true), r.degenerateDelta(ft, set, m.setting())), style),
                        new Cell(Degenerate.mark(r.delta(icl, set, m.setting(), m.metric()).format(d, true), r.degenerateDelta(icl, set, m.setting())), style),
                        new Cell(Degenerate.mark(iclCell.minus(ftCell).format(d, true),
                                r.degenerate(icl, set, m.setting()) || r.degenerate(ft, set, m.setting())), style)));
            }
        }
        blocks.add(new Table(slug + "-" + m.metric() + "-ft-vs-fticl", m.task() + ", " + m.setting().label() + ": FT vs FTICL, "
                + MetricNames.display(m.metric()), List.of("training set", "FTICL k", "test set", "FT Δ vs base", "FTICL Δ vs base",
                "FTICL − FT"), rows));
    }

    static int decimals(String metric) {
        return metric.equals("bleu") ? 2 : 3;
    }

    private static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9.]+", "-");
    }
}
