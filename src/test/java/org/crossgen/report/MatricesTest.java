package org.crossgen.report;

import static org.crossgen.report.Rows.base;
import static org.crossgen.report.Rows.fticl;
import static org.crossgen.report.Rows.ft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.crossgen.study.Method;
import org.junit.jupiter.api.Test;

/** Task and cross-task matrices from hand-made rows; every expectation is the arithmetic it checks. */
class MatricesTest {
    private static final Setting S = new Setting(1, 0);
    private static final ModelKey FT_XSUM = new ModelKey(Method.FT, "summary/xsum", 1000, 0);
    private static final ModelKey FTICL_XSUM = new ModelKey(Method.FTICL, "summary/xsum", 1000, 2);
    private static final ModelKey FT_AMAZON = new ModelKey(Method.FT, "sentiment/amazon", 1000, 0);

    static StudyResults results() {
        return new StudyResults("tiny", List.of(
                base("summary/xsum", "rougeL", 0.30), base("summary/cnn", "rougeL", 0.28),
                base("sentiment/amazon", "accuracy", 0.60), base("sentiment/yelp", "accuracy", 0.55),
                base("inference/rte", "accuracy", 0.50), base("inference/multinli", "accuracy", 0.40),
                ft("summary/xsum", 1, "summary/xsum", "rougeL", 0.40),
                ft("summary/xsum", 1, "summary/cnn", "rougeL", 0.24), ft("summary/xsum", 2, "summary/cnn", "rougeL", 0.26),
                fticl("summary/xsum", "summary/xsum", "rougeL", 0.38), fticl("summary/xsum", "summary/cnn", "rougeL", 0.27),
                ft("sentiment/amazon", "sentiment/amazon", "accuracy", 0.90), ft("sentiment/amazon", "sentiment/yelp", "accuracy", 0.80),
                ft("sentiment/amazon", "inference/rte", "accuracy", 0.55), ft("sentiment/amazon", "inference/multinli", "accuracy", 0.46),
                ft("sentiment/amazon", "summary/xsum", "rougeL", 0.20)));
    }

    @Test
    void taskMatrixHasBaseThenTheTasksModelsAndAveragesSeeds() {
        TaskMatrix m = TaskMatrix.of(results(), "summary", S, "rougeL");
        assertEquals(List.of("summary/xsum", "summary/cnn"), m.testSets());
        assertEquals(List.of(ModelKey.BASE, FT_XSUM, FTICL_XSUM), m.models());
        assertEquals(List.of("base", "FT summary/xsum", "FTICL k=2 summary/xsum"), m.modelLabels());
        assertEquals(0.28, m.absolute()[0][1].value(), 1e-12);
        assertEquals((0.24 + 0.26) / 2, m.absolute()[1][1].value(), 1e-12);       // two seeds
        assertEquals(0.40 - 0.30, m.delta()[1][0].value(), 1e-12);
        assertEquals(0.25 - 0.28, m.delta()[1][1].value(), 1e-12);
        assertEquals(0.27 - 0.28, m.delta()[2][1].value(), 1e-12);
        assertFalse(m.delta()[0][0].hasValue(), "the base row has no Δ");
        assertTrue(m.inDomain(1, 0));
        assertFalse(m.inDomain(1, 1));
    }

    @Test
    void intervalsCombineHalfWidthsOverSeedsAndDifferences() {
        TaskMatrix m = TaskMatrix.of(results(), "summary", S, "rougeL");
        double seedMeanHalf = Math.sqrt(2 * 0.01 * 0.01) / 2;                    // mean of two ±0.01 rows
        Estimate abs = m.absolute()[1][1];
        assertEquals(0.25 - seedMeanHalf, abs.lower(), 1e-12);
        assertEquals(0.25 + seedMeanHalf, abs.upper(), 1e-12);
        double deltaHalf = Math.sqrt(seedMeanHalf * seedMeanHalf + 0.01 * 0.01); // minus the base's ±0.01
        Estimate d = m.delta()[1][1];
        assertEquals(-0.03 - deltaHalf, d.lower(), 1e-12);
        assertEquals(-0.03 + deltaHalf, d.upper(), 1e-12);
    }

    @Test
    void missingCellsAreNotEvaluatedNotZero() {
        TaskMatrix m = TaskMatrix.of(results(), "sentiment", S, "accuracy");
        assertEquals(List.of(ModelKey.BASE, FT_AMAZON), m.models());
        assertEquals(0.80 - 0.55, m.delta()[1][1].value(), 1e-12);
        // no model was fine-tuned on an inference set: the inference matrix is the base row only
        TaskMatrix inf = TaskMatrix.of(results(), "inference", S, "accuracy");
        assertEquals(List.of(ModelKey.BASE), inf.models());
        assertFalse(TaskMatrix.of(results(), "summary", new Setting(2, 0), "rougeL").hasValues(), "template 2 was never evaluated");
        assertEquals("—", Estimate.NONE.format(3, true));
    }

    @Test
    void crossTaskCellsAverageDeltasOverTheEvaluationTasksTestSets() {
        CrossTaskMatrix m = CrossTaskMatrix.of(results(), S);
        assertEquals(List.of("summary · FT", "summary · FTICL k=2", "sentiment · FT"), m.rowLabels());
        assertEquals(List.of("summary", "sentiment", "inference"), m.evalTasks());
        assertEquals(List.of("rougeL", "accuracy", "accuracy"), m.metrics());
        int sentimentFt = 2, summary = 0, sentiment = 1, inference = 2;
        assertEquals(((0.55 - 0.50) + (0.46 - 0.40)) / 2, m.cells()[sentimentFt][inference].value(), 1e-12);
        assertEquals(2, m.pairs()[sentimentFt][inference]);
        assertEquals(0.20 - 0.30, m.cells()[sentimentFt][summary].value(), 1e-12);   // one pair: its own interval
        assertEquals(1, m.pairs()[sentimentFt][summary]);
        assertEquals(((0.90 - 0.60) + (0.80 - 0.55)) / 2, m.cells()[sentimentFt][sentiment].value(), 1e-12);
        assertEquals(((0.40 - 0.30) + (0.25 - 0.28)) / 2, m.cells()[0][summary].value(), 1e-12);
        assertFalse(m.cells()[0][sentiment].hasValue(), "summary models were not evaluated on sentiment");
        assertEquals(0, m.pairs()[0][sentiment]);
    }

    @Test
    void bootstrapOverIdenticalPairsHasAZeroWidthInterval() {
        Estimate e = PairBootstrap.mean(List.of(new Estimate(0.05, 0.04, 0.06), new Estimate(0.05, 0.04, 0.06)));
        assertEquals(0.05, e.lower(), 1e-12);
        assertEquals(0.05, e.upper(), 1e-12);
    }
}
