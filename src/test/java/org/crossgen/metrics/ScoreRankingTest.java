package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The label scores' ranking AUC against its definition, on degenerate and skilled classifiers. */
class ScoreRankingTest {
    private static final List<String> YES_NO = List.of("yes", "no");
    private static final List<String> NLI = List.of("entailment", "neutral", "contradiction");

    @Test
    void aucCountsPairsAndHalfOfTies() {
        // pairs: 0.9 beats both negatives, each 0.4 ties one (half) and beats 0.1: (2 + 1.5 + 1.5) / 6
        assertEquals(5.0 / 6, ScoreRanking.auc(List.of(0.9, 0.4, 0.4), List.of(0.4, 0.1)), 1e-15);
        assertEquals(0.5, ScoreRanking.auc(List.of(1.0, 1.0), List.of(1.0)), 1e-15);
        assertEquals(0.0, ScoreRanking.auc(List.of(0.0), List.of(1.0, 2.0)), 1e-15);
    }

    /** The rank formula against the pairwise definition, with many ties (scores on a coarse grid). */
    @Test
    void aucEqualsThePairwiseDefinition() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            List<Double> pos = new ArrayList<>(), neg = new ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(40); i++) pos.add((double) r.nextInt(7));
            for (int i = 0; i < 1 + r.nextInt(40); i++) neg.add((double) r.nextInt(5));
            double pairs = 0;
            for (double p : pos) for (double n : neg) pairs += p > n ? 1 : p == n ? 0.5 : 0;
            assertEquals(pairs / pos.size() / neg.size(), ScoreRanking.auc(pos, neg), 1e-12, "trial " + trial);
        }
    }

    /**
     * A classifier that answers "yes" to every record (its "yes" score always higher) still ranks
     * perfectly when its margin follows the gold label: its accuracy is the prior, its AUC 1.
     */
    @Test
    void aDegenerateClassifierCanRankPerfectlyOrAtChance() {
        List<String> gold = List.of("yes", "no", "yes", "no");
        List<Map<String, Double>> ranked = List.of(scores(3, 0), scores(1, 0), scores(2.5, 0), scores(1.5, 0));
        assertEquals(1.0, ScoreRanking.macroAuc(YES_NO, gold, ranked), 1e-15);
        List<Map<String, Double>> flat = List.of(scores(2, 0), scores(2, 0), scores(2, 0), scores(2, 0));
        assertEquals(0.5, ScoreRanking.macroAuc(YES_NO, gold, flat), 1e-15);
        List<Map<String, Double>> reversed = List.of(scores(1, 0), scores(3, 0), scores(1.5, 0), scores(2.5, 0));
        assertEquals(0.0, ScoreRanking.macroAuc(YES_NO, gold, reversed), 1e-15);
    }

    /**
     * Three labels: each label's margin is its score minus the best other's; the labels' AUCs are
     * averaged. Unlabelled records ("-") are left out.
     */
    @Test
    void threeLabelsAverageTheirOneVersusRestAucs() {
        List<String> gold = List.of("entailment", "neutral", "contradiction", "-", "entailment");
        List<Map<String, Double>> s = List.of(
                Map.of("entailment", 2.0, "neutral", 1.0, "contradiction", 0.0),
                Map.of("entailment", 1.0, "neutral", 2.0, "contradiction", 0.0),
                Map.of("entailment", 2.0, "neutral", 0.0, "contradiction", 1.0),
                Map.of("entailment", 9.0, "neutral", 0.0, "contradiction", 0.0),
                Map.of("entailment", 0.0, "neutral", 1.0, "contradiction", 2.0));
        // entailment margins: +1, -1, +1 | -2 -> positives {+1, -2} vs negatives {-1, +1}: (1 + 0.5 + 0 + 0) / 4
        // neutral margins: -1, +1, -2, -1 -> positive {+1} beats all three: 1
        // contradiction margins: -2, -2, -1, +1 -> positive {-1} beats -2, -2, loses to +1: 2 / 3
        assertEquals((0.375 + 1 + 2.0 / 3) / 3, ScoreRanking.macroAuc(NLI, gold, s), 1e-12);
    }

    @Test
    void labelsWithoutRecordsOnBothSidesAreLeftOutAndNoneLeftIsNaN() {
        List<String> gold = List.of("entailment", "neutral");
        List<Map<String, Double>> s = List.of(
                Map.of("entailment", 2.0, "neutral", 1.0, "contradiction", 0.0),
                Map.of("entailment", 1.0, "neutral", 2.0, "contradiction", 0.0));
        assertEquals(1.0, ScoreRanking.macroAuc(NLI, gold, s), 1e-15, "contradiction has no record: left out");
        assertTrue(Double.isNaN(ScoreRanking.macroAuc(YES_NO, List.of("yes", "yes"), List.of(scores(1, 0), scores(0, 1)))));
        assertTrue(Double.isNaN(ScoreRanking.macroAuc(YES_NO, List.of("-"), List.of(scores(1, 0)))));
    }

    @Test
    void aMissingScoreNamesTheRecordAndLabel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreRanking.macroAuc(YES_NO,
                List.of("yes", "no"), List.of(scores(1, 0), Map.of("yes", 1.0))));
        assertEquals("record 1 has no score for label \"no\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScoreRanking.macroAuc(YES_NO, List.of("yes"), List.of()));
    }

    private static Map<String, Double> scores(double yes, double no) {
        return Map.of("yes", yes, "no", no);
    }
}
