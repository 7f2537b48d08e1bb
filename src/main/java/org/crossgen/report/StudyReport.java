package org.crossgen.report;

import org.crossgen.files.FileTrees;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.crossgen.study.Method;

/**
 * The study's report: a pure function of its result rows (plus, optionally, drift rows and loss
 * curves). Per base model it holds the paper's findings as checks, and per task and evaluation
 * setting the train-set × test-set matrices (absolute, Δ vs base, FT vs FTICL) with heatmaps,
 * the cross-task matrix, the drift analysis and the loss curves.
 *
 * <pre>{@code
 * StudyReport report = StudyReport.of(store.results(), store.drift(), store.lossCurves());
 * Path html = report.write(studyDir.resolve("report"));   // report.html, report.md, findings.json, images/
 * }</pre>
 *
 * <p>Missing data never fails the report: an unevaluated cell reads "—", a finding without pairs
 * reads "not evaluated".
 */
public final class StudyReport {
    /** The file names inside the report folder. */
    public static final String HTML = "report.html", MARKDOWN = "report.md", FINDINGS = "findings.json", IMAGES = "images";
    private static final int LOSS_CURVES_PER_CHART = 8, EVIDENCE_SHOWN = 200;

    private final List<ReportBlock> blocks = new ArrayList<>();
    private final Map<String, List<FindingCheck>> findings = new LinkedHashMap<>();
    private final String title = "crossgen study report";

    private StudyReport() {}

    /** Builds the report; {@code drift} and {@code lossCurves} may be empty. */
    public static StudyReport of(List<ResultRow> results, List<DriftRow> drift, List<LossCurve> lossCurves) {
        StudyReport r = new StudyReport();
        r.build(results, drift, lossCurves);
        return r;
    }

    /** The finding checks per base model, in report order. */
    public Map<String, List<FindingCheck>> findings() {
        return findings;
    }

    List<ReportBlock> blocks() {
        return blocks;
    }

    private void build(List<ResultRow> results, List<DriftRow> drift, List<LossCurve> curves) {
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
            driftBlocks(r, drift.stream().filter(d -> d.baseModel().equals(base)).toList(), prefix);
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

    // ---- drift ----

    /** One fine-tuned model (seed included) with its drift and its out-of-domain gain. */
    private record DriftPoint(ModelKey model, long seed, double relativeChange, double kl, double oodGain, int oodPairs) {}

    private void driftBlocks(StudyResults r, List<DriftRow> drift, String prefix) {
        if (drift.isEmpty()) return;
        blocks.add(new Heading(2, "Drift from the base model"));
        blocks.add(new Paragraph("Relative weight change ‖W_ft − W_base‖_F / ‖W_base‖_F over all weights and the mean "
                + "next-token KL(p_base ‖ p_ft) on held-out prompts, against the out-of-domain gain: the mean Δ vs base in the "
                + "training task's primary metric over its other test sets and every setting, for the same training seed. "
                + "The paper explains FTICL's better generalization by a smaller drift."));
        Map<String, DriftPoint> points = new LinkedHashMap<>();
        Map<String, List<DriftRow>> byModel = new LinkedHashMap<>();
        for (DriftRow d : drift) byModel.computeIfAbsent(ModelKey.of(d) + "#" + d.seed(), k -> new ArrayList<>()).add(d);
        for (List<DriftRow> rows : byModel.values()) {
            DriftRow first = rows.get(0);
            ModelKey m = ModelKey.of(first);
            double rel = rows.stream().filter(d -> d.measure().equals(DriftRow.RELATIVE_CHANGE) && d.part().equals(DriftRow.ALL))
                    .mapToDouble(DriftRow::value).findFirst().orElse(Double.NaN);
            double kl = rows.stream().filter(d -> d.measure().equals(DriftRow.KL)).mapToDouble(DriftRow::value).findFirst().orElse(Double.NaN);
            double[] gain = oodGain(r, m, first.seed());
            points.put(r.label(m) + " seed " + first.seed(), new DriftPoint(m, first.seed(), rel, kl, gain[0], (int) gain[1]));
        }
        List<List<Cell>> rows = new ArrayList<>();
        for (Map.Entry<String, DriftPoint> e : points.entrySet()) {
            DriftPoint p = e.getValue();
            rows.add(List.of(Cell.of(e.getKey()), Cell.of(num(p.relativeChange(), 5)), Cell.of(num(p.kl(), 5)),
                    Cell.of(Double.isNaN(p.oodGain()) ? "—" : String.format(Locale.ROOT, "%+.4f", p.oodGain())),
                    Cell.of(Integer.toString(p.oodPairs()))));
        }
        blocks.add(new Table(prefix + "drift", "Drift and out-of-domain gain per fine-tuned model",
                List.of("model", "relative weight change", "next-token KL (nats)", "OOD gain (primary metric)", "OOD cells"), rows));
        List<DriftPoint> ps = List.copyOf(points.values());
        scatter(ps, DriftPoint::relativeChange, "relative weight change (all weights)", prefix + "drift-weights.png");
        scatter(ps, DriftPoint::kl, "mean next-token KL(base ‖ ft), nats", prefix + "drift-kl.png");
        layerChart(drift, prefix + "drift-layers.png");
    }

    /** {mean Δ, pairs} over the model's out-of-domain test sets and all settings, at one seed. */
    private static double[] oodGain(StudyResults r, ModelKey m, long seed) {
        String metric = r.primaryMetric(m.trainTask());
        double sum = 0;
        int n = 0;
        for (String set : r.testSets(m.trainTask())) {
            if (set.equals(m.trainDataset())) continue;
            for (Setting s : r.settings()) {
                Estimate d = r.cellAtSeed(m, seed, set, s, metric).minus(r.cell(ModelKey.BASE, set, s, metric));
                if (d.hasValue()) {
                    sum += d.value();
                    n++;
                }
            }
        }
        return new double[] {n == 0 ? Double.NaN : sum / n, n};
    }

    private void scatter(List<DriftPoint> ps, java.util.function.ToDoubleFunction<DriftPoint> x, String xTitle, String file) {
        Charts.Series ft = series("FT", ps.stream().filter(p -> p.model().method() == Method.FT).toList(), x);
        Charts.Series icl = series("FTICL", ps.stream().filter(p -> p.model().method() == Method.FTICL).toList(), x);
        if (ft.x().length + icl.x().length == 0) return;
        blocks.add(new Figure(file, "Out-of-domain gain against " + xTitle + " (one point per fine-tuned model and seed)",
                Charts.scatter("Out-of-domain gain vs " + xTitle.replaceFirst(" \\(.*|, nats", ""), xTitle, "OOD gain (Δ primary metric)", ft, icl), null));
    }

    private static Charts.Series series(String name, List<DriftPoint> ps, java.util.function.ToDoubleFunction<DriftPoint> x) {
        List<DriftPoint> known = ps.stream().filter(p -> !Double.isNaN(x.applyAsDouble(p)) && !Double.isNaN(p.oodGain())).toList();
        return new Charts.Series(name, known.stream().mapToDouble(x).toArray(), known.stream().mapToDouble(DriftPoint::oodGain).toArray());
    }

    /** Mean relative change per decoder layer, FT models vs FTICL models. */
    private void layerChart(List<DriftRow> drift, String file) {
        Charts.Series ft = layerMeans("FT (mean over models)", drift, Method.FT);
        Charts.Series icl = layerMeans("FTICL (mean over models)", drift, Method.FTICL);
        if (ft.x().length + icl.x().length == 0) return;
        blocks.add(new Figure(file, "Relative weight change per decoder layer, averaged over the FT and over the FTICL models",
                Charts.lines("Relative weight change per layer", "decoder layer", "‖ΔW‖ / ‖W‖", ft, icl), null));
    }

    private static Charts.Series layerMeans(String name, List<DriftRow> drift, Method method) {
        Map<Integer, double[]> sums = new java.util.TreeMap<>();
        for (DriftRow d : drift) {
            if (d.method() != method || !d.measure().equals(DriftRow.RELATIVE_CHANGE) || !d.part().startsWith("layer.")) continue;
            double[] s = sums.computeIfAbsent(Integer.parseInt(d.part().substring("layer.".length())), k -> new double[2]);
            s[0] += d.value();
            s[1]++;
        }
        return new Charts.Series(name, sums.keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
                sums.values().stream().mapToDouble(s -> s[0] / s[1]).toArray());
    }

    // ---- loss curves ----

    private void lossBlocks(List<LossCurve> curves) {
        List<LossCurve> drawn = curves.stream().filter(c -> !c.points().isEmpty()).toList();
        if (drawn.isEmpty()) return;
        blocks.add(new Heading(2, "Training loss"));
        for (int from = 0, chart = 1; from < drawn.size(); from += LOSS_CURVES_PER_CHART, chart++) {
            List<LossCurve> part = drawn.subList(from, Math.min(drawn.size(), from + LOSS_CURVES_PER_CHART));
            String caption = "Training loss, jobs " + (from + 1) + "–" + (from + part.size()) + " of " + drawn.size();
            blocks.add(new Figure("loss-" + chart + ".png", caption, Charts.lossCurves(caption, part), null));
        }
    }

    // ---- formatting ----

    private static int decimals(String metric) {
        return metric.equals("bleu") ? 2 : 3;
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9.]+", "-");
    }

    // ---- writing ----

    /**
     * Writes the report into {@code reportDir}, replacing what is there: report.html
     * (self-contained), report.md, findings.json and images/ (PNG, and SVG for heatmaps). Every
     * file is first written into a temporary sibling folder, which is then renamed into place, so
     * readers never see a half-written report.
     *
     * @return the path of report.html
     */
    public Path write(Path reportDir) throws IOException {
        Path target = reportDir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        try {
            Path images = Files.createDirectories(tmp.resolve(IMAGES));
            for (ReportBlock b : blocks) {
                if (b instanceof Figure f) {
                    Files.write(images.resolve(f.fileName()), f.png());
                    if (f.svg() != null) Files.writeString(images.resolve(MarkdownReport.svgName(f.fileName())), f.svg(), StandardCharsets.UTF_8);
                }
            }
            Files.writeString(tmp.resolve(HTML), HtmlReport.render(title, blocks), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(MARKDOWN), MarkdownReport.render(blocks), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(FINDINGS), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(findings) + "\n",
                    StandardCharsets.UTF_8);
            swapInto(tmp, target);
        } finally {
            FileTrees.delete(tmp);
        }
        return target.resolve(HTML);
    }

    /** Renames {@code tmp} to {@code target}; an existing {@code target} is moved aside first, then deleted. */
    private static void swapInto(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            move(target, old);
        }
        move(tmp, target);
        if (old != null) FileTrees.delete(old);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

}
