package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ETA model on hand-made rows; every expectation is the arithmetic it checks. */
class EtaTest {
    private static ResultStore.WorkRow row(String key, String group, WorkState state, Double seconds) {
        return new ResultStore.WorkRow(key, key, group, state, 1, null, null, seconds);
    }

    private static final Map<String, Double> COST = Map.of("a", 10.0, "b", 4.0, "c", 6.0, "d", 2.0, "e", 9.0, "f", 4.0);

    @Test
    void workLeftTakesItsGroupsRateElseThePhasesAndFailedWorkCounts() {
        List<ResultStore.WorkRow> rows = List.of(
                row("a", "sentiment", WorkState.DONE, 5.0),    // sentiment: 10 / 5 s = 2 per second
                row("b", "summary", WorkState.DONE, 4.0),      // summary: 4 / 4 s = 1 per second
                row("c", "sentiment", WorkState.PENDING, null), // 6 / 2 = 3 s
                row("d", "summary", WorkState.RUNNING, null),  // 2 / 1 = 2 s
                row("e", "inference", WorkState.PENDING, null), // no finished inference: the phase's 14 / 9 s per second
                row("f", "sentiment", WorkState.FAILED, null)); // retried by the next run: 4 / 2 = 2 s
        Eta.Left left = Eta.of(rows, COST::get, 100);
        assertEquals(6 + 2 + 9 + 4, left.cost(), 0);
        assertEquals(3 + 2 + 9 / (14.0 / 9) + 2, left.seconds(), 1e-12);
        assertTrue(left.measured());
        assertEquals(14.0 / 9, left.costPerSecond(), 1e-12);
    }

    @Test
    void withNothingFinishedTheAssumedRateOrNothingIsKnown() {
        List<ResultStore.WorkRow> rows = List.of(row("c", "sentiment", WorkState.PENDING, null));
        Eta.Left assumed = Eta.of(rows, COST::get, 2);
        assertEquals(6 / 2.0, assumed.seconds(), 0);
        assertFalse(assumed.measured());
        assertTrue(Double.isNaN(Eta.of(rows, COST::get, Double.NaN).seconds()));
        assertEquals(0, Eta.of(List.of(row("a", "sentiment", WorkState.DONE, 5.0)), COST::get, Double.NaN).seconds(), 0);
    }
}
