package org.crossgen.report;

import static org.crossgen.report.DegenerateCellsTest.table;
import static org.crossgen.report.DegenerateCellsTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.report.DomainCurves.Curve;
import org.crossgen.report.ReportBlock.Table;
import org.crossgen.study.Method;
import org.crossgen.study.ResultRow;
import org.crossgen.study.ResultsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's analyses (shots, training size, templates, FTICL k, findings 0 and 4) on a
 * sentiment study whose every number is arithmetic: each cell is its model's value on amazon
 * (in-domain) or yelp, plus 0.02 under template 1 and 0.05 at 2 shots, ±0.01.
 */
class PaperAnalysesTest {
    @TempDir Path tmp;

    private static final double HALF = Rows.HALF;

    static List<ResultRow> study() {
        List<ResultRow> rows = new ArrayList<>();
        for (int template = 0; template <= 1; template++) {
            for (int shots = 0; shots <= 2; shots += 2) {
                double bump = 0.02 * template + 0.05 * shots / 2;
                add(rows, Method.BASE, 0, 0, 0.60, 0.50, template, shots, bump);
                add(rows, Method.FT, 0, 2000, 0.90, 0.80, template, shots, bump);
                add(rows, Method.FT, 0, 4000, 0.92, 0.70, template, shots, bump); // more data, worse on yelp
                add(rows, Method.FTICL, 2, 2000, 0.88, 0.82, template, shots, bump);
                add(rows, Method.FTICL, 4, 2000, 0.86, 0.84, template, shots, bump);
            }
        }
        return rows;
    }

    private static void add(List<ResultRow> rows, Method method, int k, int size, double amazon, double yelp, int template,
                            int shots, double bump) {
        String train = method == Method.BASE ? "" : "sentiment/amazon";
        for (String set : List.of("sentiment/amazon", "sentiment/yelp")) {
            double v = (set.endsWith("amazon") ? amazon : yelp) + bump;
            rows.add(new ResultRow("tiny", method, train, size, k, method == Method.BASE ? 0 : 1, set, "sentiment", template, shots,
                    "accuracy", v, v - HALF, v + HALF, 200));
        }
    }

    private static final StudyResults R = new StudyResults("tiny", study());

    @Test
    void shotCurvesAverageTemplatesAndSizesOnInDomainAndOutOfDomainSets() {
        List<Curve> curves = DomainCurves.byShots(R, "sentiment");
        assertEquals(List.of("base in-domain", "base out-of-domain", "FT in-domain", "FT out-of-domain", "FTICL in-domain",
                "FTICL out-of-domain"), curves.stream().map(Curve::name).toList());
        assertEquals(List.of(0, 2), curves.get(0).x());
        double[][] expected = {
                {(0.60 + 0.62) / 2, (0.65 + 0.67) / 2},                        // base on amazon, templates 0 and 1
                {(0.50 + 0.52) / 2, (0.55 + 0.57) / 2},
                {(0.90 + 0.92 + 0.92 + 0.94) / 4, (0.95 + 0.97 + 0.97 + 0.99) / 4}, // FT at 2000 and 4000
                {(0.80 + 0.82 + 0.70 + 0.72) / 4, (0.85 + 0.87 + 0.75 + 0.77) / 4},
                {(0.88 + 0.90 + 0.86 + 0.88) / 4, (0.93 + 0.95 + 0.91 + 0.93) / 4}, // FTICL k=2 and k=4
                {(0.82 + 0.84 + 0.84 + 0.86) / 4, (0.87 + 0.89 + 0.89 + 0.91) / 4},
        };
        for (int c = 0; c < expected.length; c++) {
            for (int i = 0; i < 2; i++) assertEquals(expected[c][i], curves.get(c).y().get(i).value(), 1e-12, curves.get(c).name());
        }
        Estimate ft = curves.get(2).y().get(0);
        assertEquals(Math.sqrt(4 * HALF * HALF) / 4, ft.upper() - ft.value(), 1e-12); // four cells' intervals combined
    }

    @Test
    void sizeCurvesShowTheOutOfDomainDropAndFindingFourIsSupported() {
        List<Curve> curves = DomainCurves.bySize(R, "sentiment");
        assertEquals(List.of("FT in-domain", "FT out-of-domain", "FTICL in-domain", "FTICL out-of-domain"),
                curves.stream().map(Curve::name).toList());
        assertEquals(List.of(2000, 4000), curves.get(0).x());
        assertEquals((0.90 + 0.92 + 0.95 + 0.97) / 4, curves.get(0).y().get(0).value(), 1e-12);
        assertEquals((0.70 + 0.72 + 0.75 + 0.77) / 4, curves.get(1).y().get(1).value(), 1e-12);
        assertFalse(curves.get(2).y().get(1).hasValue(), "FTICL was trained at 2000 only");

        FindingCheck size = check("4");
        assertEquals(4, size.pairs());                      // FT 2000→4000 on yelp in 4 settings
        assertEquals(0.70 - 0.80, size.mean(), 1e-12);
        assertEquals(Verdict.SUPPORTED, size.verdict(), size::sentence);
    }

    @Test
    void findingZeroAveragesEveryFineTunedModelsInDomainGain() {
        FindingCheck id = check("0");
        assertEquals(4 * 4, id.pairs());                    // 4 models × 4 settings on amazon
        assertEquals((0.30 + 0.32 + 0.28 + 0.26) / 4, id.mean(), 1e-12);
        assertEquals(Verdict.SUPPORTED, id.verdict(), id::sentence);
    }

    @Test
    void sizeClaimIsNotSupportedWhenEveryStepHelpsAndInconclusiveWhenNoneIsClear() {
        assertEquals(Verdict.NOT_SUPPORTED, sizeVerdict(0.85));   // +0.05 everywhere, intervals ±0.014 above 0
        assertEquals(Verdict.INCONCLUSIVE, sizeVerdict(0.805));   // +0.005: every interval spans 0
    }

    private static Verdict sizeVerdict(double yelpAt4000) {
        List<ResultRow> rows = new ArrayList<>();
        add(rows, Method.BASE, 0, 0, 0.60, 0.50, 0, 0, 0);
        add(rows, Method.FT, 0, 2000, 0.90, 0.80, 0, 0, 0);
        add(rows, Method.FT, 0, 4000, 0.92, yelpAt4000, 0, 0, 0);
        return Findings.check(new StudyResults("tiny", rows)).stream().filter(c -> c.id().equals("4")).findFirst().orElseThrow().verdict();
    }

    @Test
    void templateTableIsTemplateOneMinusTemplateZeroAveragedOverShots() {
        Table t = table(StudyReport.of(ResultsFile.of(study())), "sentiment-templates-accuracy");
        assertEquals(List.of("model", "sentiment/amazon", "sentiment/yelp"), t.header());
        // 0.02 at both shot counts; each difference ±hypot(0.01, 0.01), their mean ±0.01
        assertEquals(List.of("base", "+0.020 [0.010, 0.030]", "+0.020 [0.010, 0.030]"), texts(t.rows().get(0)));
        assertEquals(5, t.rows().size());

        List<ResultRow> rows = new ArrayList<>(study());
        rows.set(0, Rows.labelled(rows.get(0), 200, 0)); // the base on amazon, template 0, 0-shot: always "positive"
        Table marked = table(StudyReport.of(ResultsFile.of(rows)), "sentiment-templates-accuracy");
        assertEquals(List.of("base", "+0.020 [0.010, 0.030] ‡", "+0.020 [0.010, 0.030]"), texts(marked.rows().get(0)));
    }

    @Test
    void fticlKTableComparesFtAndEachKOfOneTrainingSetAndSize() {
        Table t = table(StudyReport.of(ResultsFile.of(study())), "sentiment-fticl-k-accuracy");
        double half = Math.sqrt(4 * 2 * HALF * HALF) / 4;   // four Δs, each ±hypot(0.01, 0.01)
        String ci = String.format(java.util.Locale.ROOT, "%.3f", half);
        assertEquals("0.007", ci);
        assertEquals(List.of(
                List.of("sentiment/amazon (n=2000)", "FT", "+0.300 [0.293, 0.307]", "+0.300 [0.293, 0.307]"),
                List.of("sentiment/amazon (n=2000)", "FTICL k=2", "+0.280 [0.273, 0.287]", "+0.320 [0.313, 0.327]"),
                List.of("sentiment/amazon (n=2000)", "FTICL k=4", "+0.260 [0.253, 0.267]", "+0.340 [0.333, 0.347]")),
                t.rows().stream().map(DegenerateCellsTest::texts).toList());
    }

    @Test
    void theReportDrawsEachAnalysisAndLeavesOutWhatTheStudyLacks() throws Exception {
        StudyReport full = StudyReport.of(ResultsFile.of(study()));
        Path html = full.write(tmp.resolve("report"));
        for (String png : List.of("sentiment-shots-accuracy.png", "sentiment-size-accuracy.png")) {
            assertTrue(Files.size(html.resolveSibling("images").resolve(png)) > 1000, png);
        }
        table(full, "sentiment-shots-accuracy");
        table(full, "sentiment-size-accuracy");

        // one template, one shot count, one size, one k: none of the four
        StudyReport small = StudyReport.of(ResultsFile.of(study().stream().filter(r -> r.template() == 0 && r.shots() == 0
                && r.trainSize() != 4000 && r.trainShots() != 4).toList()));
        for (String id : List.of("shots", "size", "templates", "fticl-k")) {
            assertTrue(small.blocks().stream().noneMatch(b -> b instanceof Table t && t.id().equals("sentiment-" + id + "-accuracy")), id);
        }
    }

    private static FindingCheck check(String id) {
        return Findings.check(R).stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }
}
