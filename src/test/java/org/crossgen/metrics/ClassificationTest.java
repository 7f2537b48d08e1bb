package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationTest {
    private static final double EPS = 1e-12;
    // The last gold label is "-" (unlabelled in the published data): it can never be right.
    private static final List<String> GOLD = List.of("pos", "pos", "neg", "neg", "-");
    private static final List<String> PRED = List.of("pos", "neg", "neg", "neg", "pos");

    @Test
    void accuracyIsTheFractionOfExactMatches() {
        assertEquals(3.0 / 5, Classification.accuracy(GOLD, PRED), EPS);
    }

    @Test
    void macroF1AveragesPerLabelF1OverAllSeenLabels() {
        // pos: TP 1, FP 1, FN 1 -> 2/4; neg: TP 2, FP 1, FN 0 -> 4/5; "-": TP 0, FN 1 -> 0.
        assertEquals((2.0 / 4 + 4.0 / 5 + 0) / 3, Classification.macroF1(GOLD, PRED), EPS);
    }

    @Test
    void macroF1OverGivenLabels() {
        assertEquals((2.0 / 4 + 4.0 / 5) / 2, Classification.macroF1(GOLD, PRED, List.of("pos", "neg")), EPS);
        // A label nobody used contributes F1 = 0.
        assertEquals((2.0 / 4 + 4.0 / 5) / 3, Classification.macroF1(GOLD, PRED, List.of("pos", "neg", "neutral")), EPS);
    }

    @Test
    void perfectPredictionsScoreOne() {
        assertEquals(1.0, Classification.accuracy(GOLD, GOLD), EPS);
        assertEquals(1.0, Classification.macroF1(GOLD, GOLD), EPS);
    }

    @Test
    void rejectsMisalignedOrEmptyInput() {
        assertThrows(IllegalArgumentException.class, () -> Classification.accuracy(GOLD, PRED.subList(0, 4)));
        assertThrows(IllegalArgumentException.class, () -> Classification.accuracy(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Classification.macroF1(GOLD, PRED, List.of()));
    }
}
