package org.crossgen.report;

import static org.crossgen.report.Rows.base;
import static org.crossgen.report.Rows.fticl;
import static org.crossgen.report.Rows.ft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.crossgen.study.ResultRow;
import org.junit.jupiter.api.Test;

/** Each finding check in its supported, not-supported, inconclusive and not-evaluated cases. */
class FindingsTest {
    /**
     * Two summary sets, each with an FT model; the OOD Δ of the xsum model is {@code dXsumOnCnn}
     * and of the cnn model {@code dCnnOnXsum}.
     */
    private static List<ResultRow> generation(double dXsumOnCnn, double dCnnOnXsum) {
        return new ArrayList<>(List.of(
                base("summary/xsum", "rougeL", 0.30), base("summary/cnn", "rougeL", 0.20),
                ft("summary/xsum", "summary/xsum", "rougeL", 0.40), ft("summary/xsum", "summary/cnn", "rougeL", 0.20 + dXsumOnCnn),
                ft("summary/cnn", "summary/cnn", "rougeL", 0.35), ft("summary/cnn", "summary/xsum", "rougeL", 0.30 + dCnnOnXsum)));
    }

    private static FindingCheck check(List<ResultRow> rows, String id) {
        return Findings.check(new StudyResults("tiny", rows)).stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void generationLossOutOfDomainIsSupportedWhenBothPairsLose() {
        FindingCheck c = check(generation(-0.03, -0.05), "1a");
        assertEquals(Verdict.SUPPORTED, c.verdict(), c::sentence);
        assertEquals((-0.03 - 0.05) / 2, c.mean(), 1e-12);
        assertEquals(2, c.pairs());
        // bootstrap of two values: every resampled mean lies in [-0.05, -0.03]
        assertTrue(c.ciLower() >= -0.05 - 1e-12 && c.ciUpper() <= -0.03 + 1e-12, c::sentence);
        assertTrue(c.sentence().startsWith("1a Generation-task FT models lose out-of-domain vs the base model: mean ΔROUGE-L"
                + " vs base over (FT model, OOD test set, setting) pairs = -0.0400 [95% CI "), c.sentence());
        assertTrue(c.sentence().endsWith("over 2 pairs → supported"), c.sentence());
    }

    @Test
    void generationLossIsNotSupportedWhenBothPairsGain() {
        FindingCheck c = check(generation(0.02, 0.04), "1a");
        assertEquals(Verdict.NOT_SUPPORTED, c.verdict(), c::sentence);
        assertEquals(0.03, c.mean(), 1e-12);
    }

    @Test
    void generationLossIsInconclusiveWhenTheIntervalSpansZero() {
        FindingCheck c = check(generation(-0.05, 0.04), "1a");
        assertEquals(Verdict.INCONCLUSIVE, c.verdict(), c::sentence);
        assertTrue(c.ciLower() < 0 && c.ciUpper() > 0);
        assertTrue(c.sentence().endsWith("→ inconclusive (CI spans 0)"), c.sentence());
    }

    @Test
    void aSinglePairUsesItsCellInterval() {
        List<ResultRow> rows = generation(-0.03, 0);
        rows.removeIf(r -> r.trainDataset().equals("summary/cnn"));
        FindingCheck c = check(rows, "1a");
        assertEquals(1, c.pairs());
        double half = Math.hypot(Rows.HALF, Rows.HALF);                         // ft ±0.01 minus base ±0.01
        assertEquals(-0.03 - half, c.ciLower(), 1e-12);
        assertEquals(-0.03 + half, c.ciUpper(), 1e-12);
        assertEquals(Verdict.SUPPORTED, c.verdict());
    }

    @Test
    void everyCheckIsNotEvaluatedWithoutData() {
        for (List<ResultRow> rows : List.of(List.<ResultRow>of(), List.of(base("summary/xsum", "rougeL", 0.3)))) {
            List<FindingCheck> checks = Findings.check(new StudyResults("tiny", rows));
            assertEquals(List.of("0", "1a", "1b", "1c", "2a", "2b", "3a", "3b", "4"), checks.stream().map(FindingCheck::id).toList());
            for (FindingCheck c : checks) {
                assertEquals(Verdict.NOT_EVALUATED, c.verdict(), c::sentence);
                assertTrue(c.sentence().endsWith("no pairs to measure → not evaluated"), c.sentence());
            }
        }
    }

    @Test
    void classificationBeatsGenerationOutOfDomain() {
        List<ResultRow> rows = generation(-0.03, -0.05);
        rows.addAll(List.of(base("sentiment/amazon", "accuracy", 0.6), base("sentiment/yelp", "accuracy", 0.5),
                ft("sentiment/amazon", "sentiment/yelp", "accuracy", 0.56), ft("sentiment/yelp", "sentiment/amazon", "accuracy", 0.64)));
        FindingCheck gain = check(rows, "1b");
        assertEquals(Verdict.SUPPORTED, gain.verdict(), gain::sentence);
        assertEquals(0.06 / 2 + 0.04 / 2, gain.mean(), 1e-12);
        FindingCheck c = check(rows, "1c");
        assertEquals(0.05 - (-0.04), c.mean(), 1e-12);                            // class mean − generation mean
        assertEquals(Verdict.SUPPORTED, c.verdict(), c::sentence);
        assertEquals(4, c.pairs());
    }

    @Test
    void crossTaskChecksUseOtherTasksOnly() {
        List<ResultRow> rows = new ArrayList<>(List.of(
                base("sentiment/amazon", "accuracy", 0.6), base("inference/rte", "accuracy", 0.5), base("inference/mnli", "accuracy", 0.4),
                base("summary/xsum", "rougeL", 0.3),
                ft("sentiment/amazon", "sentiment/amazon", "accuracy", 0.95),          // in-domain: ignored by 2a
                ft("sentiment/amazon", "inference/rte", "accuracy", 0.53), ft("sentiment/amazon", "inference/mnli", "accuracy", 0.45),
                ft("summary/xsum", "sentiment/amazon", "accuracy", 0.50), ft("summary/xsum", "inference/rte", "accuracy", 0.47)));
        FindingCheck help = check(rows, "2a");
        assertEquals(2, help.pairs());
        assertEquals((0.03 + 0.05) / 2, help.mean(), 1e-12);
        assertEquals(Verdict.SUPPORTED, help.verdict(), help::sentence);
        FindingCheck hurt = check(rows, "2b");
        assertEquals(2, hurt.pairs());
        assertEquals((-0.10 - 0.03) / 2, hurt.mean(), 1e-12);
        assertEquals(Verdict.SUPPORTED, hurt.verdict(), hurt::sentence);
    }

    @Test
    void ftiClVersusFtPairsEachFticlModelWithItsFtModel() {
        List<ResultRow> rows = generation(-0.03, -0.05);
        rows.addAll(List.of(fticl("summary/xsum", "summary/cnn", "rougeL", 0.20), fticl("summary/cnn", "summary/xsum", "rougeL", 0.29),
                base("sentiment/amazon", "accuracy", 0.6), base("sentiment/yelp", "accuracy", 0.5),
                ft("sentiment/amazon", "sentiment/yelp", "accuracy", 0.56), fticl("sentiment/amazon", "sentiment/yelp", "accuracy", 0.60),
                ft("sentiment/yelp", "sentiment/amazon", "accuracy", 0.64), fticl("sentiment/yelp", "sentiment/amazon", "accuracy", 0.66)));
        FindingCheck gen = check(rows, "3a");
        assertEquals(((0.20 - 0.17) + (0.29 - 0.25)) / 2, gen.mean(), 1e-12);     // FTICL − FT
        assertEquals(Verdict.SUPPORTED, gen.verdict(), gen::sentence);
        FindingCheck cls = check(rows, "3b");
        assertEquals(((0.56 - 0.60) + (0.64 - 0.66)) / 2, cls.mean(), 1e-12);     // FT − FTICL
        assertEquals(Verdict.NOT_SUPPORTED, cls.verdict(), cls::sentence);
    }

    @Test
    void thePaperShapedStudySupportsEveryFindingItHasDataFor() {
        List<FindingCheck> checks = Findings.check(new StudyResults("tiny", Rows.paperShapedStudy()));
        for (FindingCheck c : checks) {
            // one training size: nothing to say about more data
            assertEquals(c.id().equals("4") ? Verdict.NOT_EVALUATED : Verdict.SUPPORTED, c.verdict(), c::sentence);
        }
    }
}
