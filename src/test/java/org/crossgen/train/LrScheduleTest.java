package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void linearWithoutWarmupStartsAtOneAndDecaysToZero() {
        assertEquals(1.0, LrSchedule.LINEAR.factor(0, 10, 0), 1e-15);
        assertEquals(6.0 / 10, LrSchedule.LINEAR.factor(4, 10, 0), 1e-15);   // (10 - 4) / 10
        assertEquals(1.0 / 10, LrSchedule.LINEAR.factor(9, 10, 0), 1e-15);   // last step still moves
        assertEquals(0.0, LrSchedule.LINEAR.factor(10, 10, 0), 1e-15);
    }

    @Test
    void warmupRampsFromZero() {
        assertEquals(0.0, LrSchedule.LINEAR.factor(0, 10, 2), 1e-15);        // transformers: first step at lr 0
        assertEquals(1.0 / 2, LrSchedule.LINEAR.factor(1, 10, 2), 1e-15);
        assertEquals(1.0, LrSchedule.LINEAR.factor(2, 10, 2), 1e-15);
        assertEquals(4.0 / 8, LrSchedule.LINEAR.factor(6, 10, 2), 1e-15);    // (10 - 6) / (10 - 2)
        assertEquals(1.0 / 2, LrSchedule.COSINE.factor(1, 10, 2), 1e-15);
    }

    @Test
    void cosineIsHalfAtMidpoint() {
        assertEquals(1.0, LrSchedule.COSINE.factor(2, 10, 2), 1e-15);
        assertEquals(0.5, LrSchedule.COSINE.factor(6, 10, 2), 1e-12);        // progress 1/2: (1 + cos(pi/2)) / 2
        assertEquals((1 + Math.cos(Math.PI / 4)) / 2, LrSchedule.COSINE.factor(4, 10, 2), 1e-12); // progress 1/4
        assertEquals(0.0, LrSchedule.COSINE.factor(10, 10, 2), 1e-12);
        assertEquals(1.0, LrSchedule.CONSTANT.factor(7, 10, 2), 0);
    }

    @Test
    void unknownNameListsKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("step"));
        assertEquals("unknown lr schedule \"step\"; known: [linear, cosine, constant]", e.getMessage());
    }
}
