package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BootstrapTest {
    private static final double EPS = 1e-12;
    private static final double[] CORRECT = {1, 0, 1, 1, 0, 1, 1, 1, 0, 1};   // accuracy 7/10

    @Test
    void quantileInterpolatesBetweenOrderStatistics() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(2.0, Bootstrap.quantile(sorted, 0.25), EPS);    // position 0.25·4 = 1
        assertEquals(1.4, Bootstrap.quantile(sorted, 0.10), EPS);    // position 0.4: 1 + 0.4·(2 − 1)
        assertEquals(5.0, Bootstrap.quantile(sorted, 1.0), EPS);
    }

    @Test
    void estimateIsThePlainMeanAndTheIntervalContainsIt() {
        ConfidenceInterval ci = Bootstrap.meanInterval(CORRECT, 0.95, 2000, 42);
        assertEquals(7.0 / 10, ci.estimate(), EPS);
        assertTrue(ci.lower() < 0.7 && 0.7 < ci.upper(), ci::toString);
        assertTrue(ci.lower() >= 0 && ci.upper() <= 1, ci::toString);   // means of 0/1 values
        assertEquals(0.95, ci.level());
    }

    @Test
    void sameSeedSameIntervalOtherSeedOtherInterval() {
        ConfidenceInterval a = Bootstrap.meanInterval(CORRECT, 0.9, 500, 7);
        assertEquals(a, Bootstrap.meanInterval(CORRECT, 0.9, 500, 7));
        assertNotEquals(a, Bootstrap.meanInterval(CORRECT, 0.9, 37, 8));
    }

    @Test
    void constantValuesGiveAZeroWidthInterval() {
        ConfidenceInterval ci = Bootstrap.meanInterval(new double[] {0.25, 0.25, 0.25}, 0.95, 100, 1);
        assertEquals(new ConfidenceInterval(0.25, 0.25, 0.25, 0.95), ci);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanInterval(new double[0], 0.95, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanInterval(CORRECT, 1.0, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanInterval(CORRECT, 0.95, 0, 1));
    }
}
