package org.crossgen.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Details;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.report.ReportBlock.Table;
import org.crossgen.study.DriftRow;
import org.crossgen.study.LossHistory;
import org.crossgen.study.Method;
import org.crossgen.study.ResultRow;
import org.crossgen.study.ResultsFile;

/**
 * The study's report: a pure function of a {@link ResultsFile} (result rows, plus optionally drift
 * rows, loss curves and data warnings); it never loads a model. Per base model it holds the
 * paper's findings as checks, and per task and evaluation setting the train-set × test-set
 * matrices (absolute, Δ vs base, FT vs FTICL) with heatmaps, the cross-task matrix and the drift
 * analysis ({@link DriftSection}); then the loss curves and the data section.
 *
 * <pre>{@code
 * StudyReport report = StudyReport.of(ResultsFile.read(layout.results()));
 * Path html = report.write(layout.report());   // report.html, report.md, findings.json, images/
 * }</pre>
 *
 * <p>Missing data never fails the report: an unevaluated cell reads "—", a finding without pairs
 * reads "not evaluated".
 */
public final class StudyReport {
    /** The report's main file. */
    public static final String HTML = ReportFolder.HTML;
    private static final int LOSS_CURVES_PER_CHART = 8, EVIDENCE_SHOWN = 200;

    private final List<ReportBlock> blocks = new ArrayList<>();
    private final Map<String, List<FindingCheck>> findings = new LinkedHashMap<>();
    private final String title = "crossgen study report";

    private StudyReport() {}

    /** Builds the report. */
    public static StudyReport of(ResultsFile in) {
        StudyReport r = new StudyReport();
        r.build(in.results(), in.drift(), in.lossCurves());
        r.dataBlocks(in.dataWarnings());
        r.footer(in.provenance());
        return r;
    }

    /** The finding checks per base model, in report order. */
    public Map<String, List<FindingCheck>> findings() {
        return findings;
    }

    List<ReportBlock> blocks() {
        return blocks;
    }

    private void build(List<ResultRow> results, List<DriftRow> drift, List<LossHistory> curves) {
        blocks.add(new Heading(1, title));
        Map<String, StudyResults> byBase = StudyResults.byBaseModel(results);
        blocks.add(new Paragraph(String.format(Locale.ROOT,
                "%d result rows, %d base model%s, %d drift rows, %d loss curves.", results.size(), byBase.size(),
                byBase.size() == 1 ? "" : "s", drift.size(), curves.size())));
        blocks.add(new Paragraph("How to read: each cell is a metric averaged over training seeds (FT/FTICL) at one prompt "
                + "template and number of evaluation shots; Δ is the fine-tuned model minus the base model at the same "
                + "template and shots. Cell intervals are 95% intervals combined from the evaluation's per-row bootstrap "
                + "intervals (normal approximation, independent errors; they describe evaluation noise, not seed "
                + "variation). Findings and cross-task cells average pairs (model, test set, template, shots) and "
                + "bootstrap over those pairs (" + PairBootstrap.RESAMPLES + " resamples, seed " + PairBootstrap.SEED
                + "). In-domain cells (test set = training set) are highlighted. ROUGE-L and accuracy are in [0, 1], "
                + "BLEU in [0, 100]."));
        if (byBase.isEmpty()) blocks.add(new Paragraph("No results: nothing was evaluated yet."));
        int b = 0;
        for (StudyResults r : byBase.values()) {
            String prefix = byBase.size() == 1 ? "" : "b" + (++b) + "-";
            String base = r.baseModel();
            findings.put(base, Findings.check(r));
            blocks.add(new Heading(2, "Findings — base model " + base));
            findingsBlocks(findings.get(base), prefix);
            for (String task : r.tasks()) taskBlocks(r, task, prefix);
            crossTaskBlocks(r, prefix);
            blocks.addAll(DriftSection.blocks(r, drift.stream().filter(d -> d.baseModel().equals(base)).toList(), prefix));
        }
        lossBlocks(curves);
    }

    // ---- findings ----

    private void findingsBlocks(List<FindingCheck> checks, String prefix) {
        List<List<Cell>> rows = new ArrayList<>();
        for (FindingCheck c : checks) {
            Estimate e = new Estimate(c.mean(), c.ciLower(), c.ciUpper());
            rows.add(List.of(Cell.of(c.id()), new Cell(c.claim(), "wrap"), new Cell(c.measure(), "wrap"),
                    Cell.of(e.format(4, true)), Cell.of(Integer.toString(c.pairs())),
                    new Cell(c.verdict().text(), c.verdict().text().replace(' ', '-'))));
        }
        blocks.add(new Table(prefix + "findings", "The paper's findings as checks (supported: the 95% interval lies on "
                + "the claimed side of 0; not supported: on the other side; inconclusive: it spans 0)",
                List.of("#", "claim", "measure", "mean [95% CI]", "pairs", "verdict"), rows));
        for (FindingCheck c : checks) blocks.add(new Paragraph(c.sentence()));
        for (FindingCheck c : checks) {
            if (c.evidence().isEmpty()) continue;
            List<String> shown = c.evidence().size() <= EVIDENCE_SHOWN ? c.evidence()
                    : Stream.concat(c.evidence().stream().limit(EVIDENCE_SHOWN),
                            Stream.of("… and " + (c.evidence().size() - EVIDENCE_SHOWN) + " more")).toList();
            blocks.add(new Details("Finding " + c.id() + ": the " + c.pairs() + " pairs behind it", shown));
        }
    }

    // ---- per task ----

    private void taskBlocks(StudyResults r, String task, String prefix) {
        blocks.add(new Heading(2, "Task " + task + " (" + r.kind(task).name().toLowerCase(Locale.ROOT) + ")"));
        String primary = r.primaryMetric(task);
        for (Setting s : r.settings()) {
            String slug = prefix + slug(task) + "-" + s.slug();
            List<TaskMatrix> matrices = r.metrics(task).stream().map(m -> TaskMatrix.of(r, task, s, m)).filter(TaskMatrix::hasValues).toList();
            if (matrices.isEmpty()) continue;
            blocks.add(new Heading(3, task + " — " + s.label()));
            for (TaskMatrix m : matrices) {
                String metric = MetricNames.display(m.metric());
                blocks.add(matrixTable(slug + "-" + m.metric() + "-abs",
                        task + ", " + s.label() + ": " + metric + " per training set (rows) and test set (columns)", m, m.absolute(), false));
                if (m.models().size() > 1) {
                    blocks.add(matrixTable(slug + "-" + m.metric() + "-delta",
                            task + ", " + s.label() + ": Δ" + metric + " vs base", m, m.delta(), true));
                }
                if (m.metric().equals(primary) && m.models().size() > 1) {
                    List<ModelKey> ft = m.models().subList(1, m.models().size());
                    Estimate[][] cells = java.util.Arrays.copyOfRange(m.delta(), 1, m.models().size());
                    Heatmap h = new Heatmap(task + ": Δ" + metric + " vs base (" + s.label() + ")",
                            m.modelLabels().subList(1, m.modelLabels().size()), m.testSets(), cells, "Δ" + metric + " vs base");
                    blocks.add(new Figure("delta-" + slug + "-" + m.metric() + ".png",
                            task + ": Δ" + metric + " vs base, " + s.label() + " (" + ft.size() + " fine-tuned models)", h.png(), h.svg()));
                    ftVsFticl(r, m, slug);
                }
            }
        }
    }

    private static Table matrixTable(String id, String caption, TaskMatrix m, Estimate[][] cells, boolean delta) {
        List<String> header = new ArrayList<>();
        header.add("model");
        header.addAll(m.testSets());
        List<List<Cell>> rows = new ArrayList<>();
        for (int i = delta ? 1 : 0; i < m.models().size(); i++) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.of(m.modelLabels().get(i)));
            for (int j = 0; j < m.testSets().size(); j++) {
                row.add(new Cell(cells[i][j].format(decimals(m.metric()), delta), m.inDomain(i, j) ? "strong" : ""));
            }
            rows.add(row);
        }
        return new Table(id, caption, header, rows);
    }

    /** FT and FTICL of the same training set side by side: one row per (training set, k, test set). */
    private void ftVsFticl(StudyResults r, TaskMatrix m, String slug) {
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
                        new Cell(r.delta(ft, set, m.setting(), m.metric()).format(d, true), style),
                        new Cell(r.delta(icl, set, m.setting(), m.metric()).format(d, true), style),
                        new Cell(iclCell.minus(ftCell).format(d, true), style)));
            }
        }
        blocks.add(new Table(slug + "-" + m.metric() + "-ft-vs-fticl", m.task() + ", " + m.setting().label() + ": FT vs FTICL, "
                + MetricNames.display(m.metric()), List.of("training set", "FTICL k", "test set", "FT Δ vs base", "FTICL Δ vs base",
                "FTICL − FT"), rows));
    }

    // ---- cross-task ----

    private void crossTaskBlocks(StudyResults r, String prefix) {
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

    // ---- loss curves ----

    private void lossBlocks(List<LossHistory> curves) {
        List<LossHistory> drawn = curves.stream().filter(c -> !c.points().isEmpty()).toList();
        if (drawn.isEmpty()) return;
        blocks.add(new Heading(2, "Training loss"));
        for (int from = 0, chart = 1; from < drawn.size(); from += LOSS_CURVES_PER_CHART, chart++) {
            List<LossHistory> part = drawn.subList(from, Math.min(drawn.size(), from + LOSS_CURVES_PER_CHART));
            String caption = "Training loss, jobs " + (from + 1) + "–" + (from + part.size()) + " of " + drawn.size();
            blocks.add(new Figure("loss-" + chart + ".png", caption, Charts.lossCurves(caption, part), null));
        }
    }

    // ---- data ----

    private void dataBlocks(List<String> warnings) {
        if (warnings.isEmpty()) return;
        blocks.add(new Heading(2, "Data"));
        blocks.add(new Paragraph(warnings.size() + " dataset file(s) have warnings: records that were evaluated or trained on as "
                + "they are, but deserve a look (crossgen data validate lists every record)."));
        blocks.add(new Details("Data warnings", warnings));
    }

    /** The last line: which crossgen builds, libtorch, devices and dtypes made the results. */
    private void footer(List<String> provenance) {
        blocks.add(new Paragraph(provenance.isEmpty()
                ? "Made with: not recorded (results from before crossgen recorded its version, or from outside a study)."
                : "Made with: " + String.join("; ", provenance) + "."));
    }

    // ---- formatting ----

    private static int decimals(String metric) {
        return metric.equals("bleu") ? 2 : 3;
    }

    private static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9.]+", "-");
    }

    // ---- writing ----

    /**
     * Writes the report into {@code reportDir} ({@link ReportFolder}): a folder crossgen wrote is
     * replaced whole; any other existing folder or file is refused.
     *
     * @return the path of report.html
     */
    public Path write(Path reportDir) throws IOException {
        return ReportFolder.write(reportDir, title, blocks, findings);
    }
}
