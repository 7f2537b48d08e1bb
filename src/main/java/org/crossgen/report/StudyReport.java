package org.crossgen.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crossgen.report.ReportBlock.Details;
import org.crossgen.report.ReportBlock.Figure;
import org.crossgen.report.ReportBlock.Heading;
import org.crossgen.report.ReportBlock.Paragraph;
import org.crossgen.study.DriftRow;
import org.crossgen.study.LossHistory;
import org.crossgen.study.ResultRow;
import org.crossgen.study.ResultsFile;

/**
 * The study's report: a pure function of a {@link ResultsFile} (result rows, plus optionally drift
 * rows, loss curves and data warnings); it never loads a model. This class lays the sections out:
 * per base model the paper's findings as checks ({@link FindingsSection}), per task and evaluation
 * setting the train-set × test-set matrices ({@link TaskSection}), the cross-task matrix
 * ({@link CrossTaskSection}) and the drift analysis ({@link DriftSection}); then the loss curves
 * and the data section. The numbers come from {@link Findings}, {@link TaskMatrix} and
 * {@link CrossTaskMatrix}; {@link ReportFolder} publishes the files.
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
    private static final int LOSS_CURVES_PER_CHART = 8;

    private final List<ReportBlock> blocks = new ArrayList<>();
    private final Map<String, List<FindingCheck>> findings = new LinkedHashMap<>();
    private final String title = "crossgen study report";

    private StudyReport() {}

    /** Builds the report. */
    public static StudyReport of(ResultsFile in) {
        StudyReport r = new StudyReport();
        r.build(in.results(), in.drift(), in.lossCurves());
        r.blocks.addAll(TruncationSection.blocks(in.results()));
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
            FindingsSection.add(blocks, findings.get(base), prefix);
            for (String task : r.tasks()) TaskSection.add(blocks, r, task, prefix);
            CrossTaskSection.add(blocks, r, prefix);
            blocks.addAll(DriftSection.blocks(r, drift.stream().filter(d -> d.baseModel().equals(base)).toList(), prefix));
        }
        lossBlocks(curves);
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
