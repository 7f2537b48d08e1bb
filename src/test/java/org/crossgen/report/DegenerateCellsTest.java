package org.crossgen.report;

import static org.crossgen.report.Rows.base;
import static org.crossgen.report.Rows.ft;
import static org.crossgen.report.Rows.labelled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.crossgen.report.ReportBlock.Cell;
import org.crossgen.report.ReportBlock.Table;
import org.crossgen.study.Method;
import org.crossgen.study.ResultRow;
import org.crossgen.study.ResultsFile;
import org.junit.jupiter.api.Test;

/** Degenerate classifiers marked, and the chance and majority lines, from rows that carry label distributions. */
class DegenerateCellsTest {
    private static final Setting S = new Setting(1, 0);
    private static final ModelKey FT_AMAZON = new ModelKey(Method.FT, "sentiment/amazon", 1000, 0);

    /** The base answers "positive" to all 200 yelp records (degenerate); the FT model spreads its answers. */
    static List<ResultRow> rows() {
        return List.of(
                labelled(base("sentiment/amazon", "accuracy", 0.62), 150, 50),
                labelled(base("sentiment/yelp", "accuracy", 0.60), 200, 0),
                labelled(ft("sentiment/amazon", "sentiment/amazon", "accuracy", 0.90), 116, 84),
                labelled(ft("sentiment/amazon", "sentiment/yelp", "accuracy", 0.80), 110, 90));
    }

    @Test
    void aCellIsDegenerateWhenOneLabelTakesMoreThan95PercentAndItsDeltaInheritsTheMark() {
        StudyResults r = new StudyResults("tiny", rows());
        assertTrue(r.degenerate(ModelKey.BASE, "sentiment/yelp", S));
        assertFalse(r.degenerate(FT_AMAZON, "sentiment/yelp", S));
        assertTrue(r.degenerateDelta(FT_AMAZON, "sentiment/yelp", S), "Δ vs a degenerate base");
        assertFalse(r.degenerateDelta(FT_AMAZON, "sentiment/amazon", S));
        assertEquals(0.6, r.testSetLabels("sentiment/yelp").majorityAccuracy(), 1e-12);
    }

    @Test
    void accuracyTablesMarkDegenerateCellsAndEndWithMajorityAndChanceLines() {
        StudyReport report = StudyReport.of(ResultsFile.of(rows()));
        Table abs = table(report, "sentiment-t1-s0-accuracy-abs");
        assertEquals(List.of("model", "sentiment/amazon", "sentiment/yelp"), abs.header());
        assertEquals(List.of("base", "0.620 [0.610, 0.630]", "0.600 [0.590, 0.610] ‡"), texts(abs.rows().get(0)));
        assertEquals(List.of("FT sentiment/amazon", "0.900 [0.890, 0.910]", "0.800 [0.790, 0.810]"), texts(abs.rows().get(1)));
        assertEquals(List.of("majority class", "0.600", "0.600"), texts(abs.rows().get(2)));
        assertEquals(List.of("uniform chance", "0.500", "0.500"), texts(abs.rows().get(3)));
        assertTrue(abs.caption().contains(Degenerate.NOTE), abs::caption);

        Table delta = table(report, "sentiment-t1-s0-accuracy-delta");
        assertEquals(List.of("FT sentiment/amazon", "+0.280 [0.266, 0.294]", "+0.200 [0.186, 0.214] ‡"), texts(delta.rows().get(0)));
        assertEquals(1, delta.rows().size(), "no baseline lines under Δ");
    }

    @Test
    void eachTaskListsWhatEveryClassifierCellPredicted() {
        ReportBlock.Details d = StudyReport.of(ResultsFile.of(rows())).blocks().stream()
                .filter(b -> b instanceof ReportBlock.Details x && x.summary().startsWith("Predicted labels"))
                .map(ReportBlock.Details.class::cast).findFirst().orElseThrow();
        assertEquals("Predicted labels of sentiment's 4 classifier cells (1 degenerate ‡; " + TaskSection.SCORE_AUC_NOTE + ")", d.summary());
        assertEquals(List.of(
                "base → sentiment/amazon (template 1, 0-shot): predicted positive 150, negative 50 (75% positive); "
                        + "accuracy 0.620 [0.610, 0.630], majority class 0.600, score AUC 0.55",
                "base → sentiment/yelp (template 1, 0-shot): predicted positive 200, negative 0 (100% positive); "
                        + "accuracy 0.600 [0.590, 0.610], majority class 0.600, score AUC 0.50 ‡",
                "FT sentiment/amazon → sentiment/amazon (template 1, 0-shot): predicted positive 116, negative 84 (58% positive); "
                        + "accuracy 0.900 [0.890, 0.910], majority class 0.600, score AUC 0.58",
                "FT sentiment/amazon → sentiment/yelp (template 1, 0-shot): predicted positive 110, negative 90 (55% positive); "
                        + "accuracy 0.800 [0.790, 0.810], majority class 0.600, score AUC 0.59"), d.items());
    }

    @Test
    void findingsCountTheirDegeneratePairs() {
        List<FindingCheck> checks = StudyReport.of(ResultsFile.of(rows())).findings().get("tiny");
        FindingCheck ood = checks.stream().filter(c -> c.id().equals("1b")).findFirst().orElseThrow();
        FindingCheck versus = checks.stream().filter(c -> c.id().equals("1c")).findFirst().orElseThrow();
        assertEquals(0, versus.pairs(), "no generation pairs to compare with");
        assertEquals(0, versus.degeneratePairs());
        assertEquals(1, ood.pairs());
        assertEquals(1, ood.degeneratePairs());
        assertEquals(List.of("FT sentiment/amazon → sentiment/yelp (template 1, 0-shot): +0.2000 [0.1859, 0.2141] ‡"), ood.evidence());
        assertTrue(ood.sentence().endsWith("; 1 of the 1 pairs compare a degenerate classifier (one label > 95% of its predictions)"),
                ood::sentence);
    }

    @Test
    void rowsWithoutLabelDistributionsMarkNothingAndShowNoBaselines() {
        StudyReport report = StudyReport.of(ResultsFile.of(List.of(base("sentiment/yelp", "accuracy", 0.6),
                ft("sentiment/amazon", "sentiment/yelp", "accuracy", 0.7))));
        Table abs = table(report, "sentiment-t1-s0-accuracy-abs");
        assertEquals(List.of("majority class", "—"), texts(abs.rows().get(2)));
        assertFalse(abs.caption().contains(Degenerate.MARK));
    }

    static Table table(StudyReport report, String id) {
        return report.blocks().stream().filter(b -> b instanceof Table t && t.id().equals(id)).map(Table.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no table " + id));
    }

    static List<String> texts(List<Cell> row) {
        return row.stream().map(Cell::text).toList();
    }
}
