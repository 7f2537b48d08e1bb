package org.crossgen.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.report.ReportBlock.Table;
import org.crossgen.study.DriftRow;
import org.crossgen.study.Method;

/**
 * The drift section of the report: per fine-tuned model (and seed) its drift from the base model
 * (rows the study measured) against its out-of-domain gain (from the result rows), as a table,
 * two scatter plots and a per-layer chart.
 */
final class DriftSection {
    private DriftSection() {}

    /** One fine-tuned model (seed included) with its drift and its out-of-domain gain. */
    private record DriftPoint(ModelKey model, long seed, double relativeChange, double kl, double oodGain, int oodPairs) {}

    /** The drift section of one base model; nothing when there are no drift rows. */
    static List<ReportBlock> blocks(StudyResults r, List<DriftRow> drift, String prefix) {
        List<ReportBlock> blocks = new ArrayList<>();
        if (drift.isEmpty()) return blocks;
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
        scatter(blocks, ps, DriftPoint::relativeChange, "relative weight change (all weights)", prefix + "drift-weights.png");
        scatter(blocks, ps, DriftPoint::kl, "mean next-token KL(base ‖ ft), nats", prefix + "drift-kl.png");
        layerChart(blocks, drift, prefix + "drift-layers.png");
        return blocks;
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

    private static void scatter(List<ReportBlock> blocks, List<DriftPoint> ps, ToDoubleFunction<DriftPoint> x, String xTitle, String file) {
        Charts.Series ft = series("FT", ps.stream().filter(p -> p.model().method() == Method.FT).toList(), x);
        Charts.Series icl = series("FTICL", ps.stream().filter(p -> p.model().method() == Method.FTICL).toList(), x);
        if (ft.x().length + icl.x().length == 0) return;
        blocks.add(new Figure(file, "Out-of-domain gain against " + xTitle + " (one point per fine-tuned model and seed)",
                Charts.scatter("Out-of-domain gain vs " + xTitle.replaceFirst(" \\(.*|, nats", ""), xTitle, "OOD gain (Δ primary metric)", ft, icl), null));
    }

    private static Charts.Series series(String name, List<DriftPoint> ps, ToDoubleFunction<DriftPoint> x) {
        List<DriftPoint> known = ps.stream().filter(p -> !Double.isNaN(x.applyAsDouble(p)) && !Double.isNaN(p.oodGain())).toList();
        return new Charts.Series(name, known.stream().mapToDouble(x).toArray(), known.stream().mapToDouble(DriftPoint::oodGain).toArray());
    }

    /** Mean relative change per decoder layer, FT models vs FTICL models. */
    private static void layerChart(List<ReportBlock> blocks, List<DriftRow> drift, String file) {
        Charts.Series ft = layerMeans("FT (mean over models)", drift, Method.FT);
        Charts.Series icl = layerMeans("FTICL (mean over models)", drift, Method.FTICL);
        if (ft.x().length + icl.x().length == 0) return;
        blocks.add(new Figure(file, "Relative weight change per decoder layer, averaged over the FT and over the FTICL models",
                Charts.lines("Relative weight change per layer", "decoder layer", "‖ΔW‖ / ‖W‖", ft, icl), null));
    }

    private static Charts.Series layerMeans(String name, List<DriftRow> drift, Method method) {
        Map<Integer, double[]> sums = new TreeMap<>();
        for (DriftRow d : drift) {
            if (d.method() != method || !d.measure().equals(DriftRow.RELATIVE_CHANGE) || !d.part().startsWith("layer.")) continue;
            double[] s = sums.computeIfAbsent(Integer.parseInt(d.part().substring("layer.".length())), k -> new double[2]);
            s[0] += d.value();
            s[1]++;
        }
        return new Charts.Series(name, sums.keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
                sums.values().stream().mapToDouble(s -> s[0] / s[1]).toArray());
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
