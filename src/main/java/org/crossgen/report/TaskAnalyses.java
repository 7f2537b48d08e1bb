package org.crossgen.report;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.crossgen.report.DomainCurves.Curve;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Table;
import org.crossgen.study.Method;

/**
 * The paper's analyses of one task, each only where the study has its data: the metric against
 * evaluation shots and against training size ({@link DomainCurves}; a table and a line chart),
 * template 1 against template 0 (template 0 is the training template of the shipped specs), and
 * FTICL's k compared. All in the task's primary metric; a Δ averaged over settings is marked
 * {@link Degenerate#MARK} when any cell it compares is degenerate.
 */
final class TaskAnalyses {
    private final StudyResults r;
    private final String task, metric, slug;
    private final List<ReportBlock> blocks = new ArrayList<>();

    private TaskAnalyses(StudyResults r, String task, String slug) {
        this.r = r;
        this.task = task;
        this.metric = r.primaryMetric(task);
        this.slug = slug;
    }

    /** The analyses' blocks; {@code slug} prefixes table ids and image names. */
    static List<ReportBlock> blocks(StudyResults r, String task, String slug) {
        TaskAnalyses a = new TaskAnalyses(r, task, slug);
        a.curves(DomainCurves.byShots(r, task), "shots", "evaluation shots", "number of demonstrations in the evaluation prompt");
        a.curves(DomainCurves.bySize(r, task), "size", "training size", "training records");
        a.templates();
        a.fticlK();
        return a.blocks;
    }

    private String display() {
        return MetricNames.display(metric);
    }

    private void curves(List<Curve> curves, String id, String what, String xTitle) {
        if (curves.isEmpty()) return;
        blocks.add(new Heading(3, task + " — " + display() + " vs " + what));
        List<String> header = new ArrayList<>();
        header.add(what);
        for (Curve c : curves) header.add(c.name());
        List<List<Cell>> rows = new ArrayList<>();
        List<Integer> xs = curves.get(0).x();
        for (int i = 0; i < xs.size(); i++) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.of(Integer.toString(xs.get(i))));
            for (Curve c : curves) row.add(Cell.of(c.y().get(i).format(decimals(), false)));
            rows.add(row);
        }
        String caption = task + ": mean " + display() + " vs " + what + " on in-domain and out-of-domain test sets "
                + "(cells averaged over " + (id.equals("shots") ? "templates and training sizes" : "templates and shots")
                + "; 95% intervals of evaluation noise)";
        blocks.add(new Table(slug + "-" + id + "-" + metric, caption, header, rows));
        blocks.add(new Figure(slug + "-" + id + "-" + metric + ".png", caption + "; error bars: the larger half of each interval",
                Charts.domainCurves(task + ": " + display() + " vs " + what, xTitle, "mean " + display(), curves), null));
    }

    /** Template 1 − template 0 per model and test set, averaged over the shot counts evaluated under both. */
    private void templates() {
        List<Integer> shots = r.settings().stream().map(Setting::shots).distinct()
                .filter(k -> r.settings().contains(new Setting(0, k)) && r.settings().contains(new Setting(1, k))).toList();
        if (shots.isEmpty()) return;
        List<ModelKey> models = new ArrayList<>();
        models.add(ModelKey.BASE);
        models.addAll(r.fineTunedOn(task));
        List<String> header = new ArrayList<>();
        header.add("model");
        header.addAll(r.testSets(task));
        List<List<Cell>> rows = new ArrayList<>();
        for (ModelKey m : models) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.of(r.label(m)));
            boolean any = false;
            for (String set : r.testSets(task)) {
                List<Estimate> ds = shots.stream().map(k -> r.cell(m, set, new Setting(1, k), metric)
                        .minus(r.cell(m, set, new Setting(0, k), metric))).toList();
                Estimate d = Estimate.meanOf(ds);
                any |= d.hasValue();
                boolean degenerate = shots.stream().anyMatch(k -> r.degenerate(m, set, new Setting(0, k)) || r.degenerate(m, set, new Setting(1, k)));
                row.add(new Cell(Degenerate.mark(d.format(decimals(), true), degenerate), set.equals(m.trainDataset()) ? "strong" : ""));
            }
            if (any) rows.add(row);
        }
        if (rows.isEmpty()) return;
        blocks.add(new Heading(3, task + " — template 1 vs template 0"));
        blocks.add(new Table(slug + "-templates-" + metric, task + ": Δ" + display() + " of template 1 (unseen in training) minus "
                + "template 0 (the training template), averaged over " + shots.size() + " shot count(s) " + shots, header, rows));
    }

    /**
     * Per training set and size with FTICL models of at least two k: FT and each FTICL k, their Δ vs
     * base on the in-domain set and averaged over the out-of-domain sets, over all settings.
     */
    private void fticlK() {
        List<List<Cell>> rows = new ArrayList<>();
        for (ModelKey ft : r.fineTunedOn(task)) {
            if (ft.method() != Method.FT) continue;
            List<ModelKey> icl = r.fineTunedOn(task).stream().filter(m -> m.method() == Method.FTICL
                    && m.trainDataset().equals(ft.trainDataset()) && m.trainSize() == ft.trainSize()).toList();
            if (new TreeSet<>(icl.stream().map(ModelKey::trainShots).toList()).size() < 2) continue;
            List<ModelKey> group = new ArrayList<>(List.of(ft));
            group.addAll(icl);
            for (ModelKey m : group) {
                rows.add(List.of(Cell.of(ft.trainDataset() + " (n=" + ft.trainSize() + ")"), Cell.of(m.methodLabel()),
                        new Cell(Degenerate.mark(meanDelta(m, true).format(decimals(), true), anyDegenerate(m, true)), "strong"),
                        Cell.of(Degenerate.mark(meanDelta(m, false).format(decimals(), true), anyDegenerate(m, false)))));
            }
        }
        if (rows.isEmpty()) return;
        blocks.add(new Heading(3, task + " — FTICL k compared"));
        blocks.add(new Table(slug + "-fticl-k-" + metric, task + ": Δ" + display() + " vs base of FT and each FTICL k, "
                + "averaged over every template and shot count", List.of("training set", "model", "in-domain Δ", "out-of-domain Δ"), rows));
    }

    /** Does any Δ averaged into {@link #meanDelta} compare a degenerate cell? */
    private boolean anyDegenerate(ModelKey m, boolean inDomain) {
        for (String set : r.testSets(task)) {
            if (set.equals(m.trainDataset()) != inDomain) continue;
            for (Setting s : r.settings()) if (r.degenerateDelta(m, set, s)) return true;
        }
        return false;
    }

    private Estimate meanDelta(ModelKey m, boolean inDomain) {
        List<Estimate> ds = new ArrayList<>();
        for (String set : r.testSets(task)) {
            if (set.equals(m.trainDataset()) != inDomain) continue;
            for (Setting s : r.settings()) ds.add(r.delta(m, set, s, metric));
        }
        return Estimate.meanOf(ds);
    }

    private int decimals() {
        return TaskSection.decimals(metric);
    }
}
