package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bfloat16 kernels against the float32 kernels on the same values, widened; the threads' hand-off
 * when a part fails.
 */
class RowKernelsTest {
    private static final int D = 24, STRIDE = 48;

    /** Random bfloat16 values and the same values widened to float32. */
    private record Halves(short[] halves, float[] widened) {
        static Halves random(Random r, int n) {
            short[] h = new short[n];
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                h[i] = RowKernels.bfloat16((float) r.nextGaussian());
                w[i] = RowKernels.low(h[i]);
            }
            return new Halves(h, w);
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }   // D not a multiple of the vector length: both kernels' scalar tails run

    /** {@code n}: positions, below and above one vector of them, so the vector loops and the scalar tails both run. */
    @ParameterizedTest
    @ValueSource(ints = {5, 21, 37})
    void bfloat16KernelsEqualTheFloat32KernelsOnTheWidenedValues(int n) {
        Random r = new Random(n);
        Halves v = Halves.random(r, D * STRIDE);
        short[] halves = v.halves;
        float[] widened = v.widened;
        float[] q = gaussian(r, 2 * D);

        float[] expected = new float[n], actual = new float[n];
        RowKernels.scores(q, D, D, 0.2f, widened, 3, STRIDE, n, expected);
        RowKernels.scores(q, D, D, 0.2f, halves, 3, STRIDE, n, actual);
        assertArrayEquals(expected, actual, "scores");

        RowKernels.softmax(expected, n);
        float[] outExpected = new float[3 * D], outActual = new float[3 * D];
        RowKernels.weightedRows(expected, n, widened, 7, D, outExpected, D);
        RowKernels.weightedRows(expected, n, halves, 7, D, outActual, D);
        assertArrayEquals(outExpected, outActual, "weighted rows");
    }

    /**
     * A bfloat16 product over packed weights equals, to the float32 sum's rounding, the float32
     * product of the same values widened: each weight meets its own input element. {@code in}: below
     * and above two vectors, so the vector loop and the scalar tail both run; 66 rows, so two threads
     * split them.
     */
    @ParameterizedTest
    @ValueSource(ints = {6, 70})
    void bfloat16ProductEqualsTheFloat32ProductOfTheWidenedWeights(int in) {
        int rows = 66;
        Random r = new Random(in);
        Halves v = Halves.random(r, rows * in);
        short[] halves = v.halves;
        float[] widened = v.widened;
        float[] x = gaussian(r, in);
        float[] expected = new float[rows], actual = new float[rows];
        RowKernels kernels = RowKernels.shared(2);
        kernels.product(new RowKernels.Weight(rows, in, widened, null), x, expected);
        int[] packed = new int[rows * in / 2];
        assertEquals(packed.length, RowKernels.Weight.pack(halves, in, packed, 0));
        kernels.product(new RowKernels.Weight(rows, in, null, packed), x, actual);
        for (int row = 0; row < rows; row++) {
            double exact = 0;
            for (int k = 0; k < in; k++) exact += (double) widened[row * in + k] * x[k];
            assertEquals(exact, expected[row], 1e-5 * in, "float32 row " + row);
            assertEquals(expected[row], actual[row], 1e-5 * in, "bfloat16 row " + row);
        }
    }

    /**
     * When the caller's part fails, {@code parallel} returns only after the helper's part is done:
     * otherwise the helper would still run the failed task while the next one is handed out.
     */
    @Test
    void aFailingCallersPartWaitsForTheHelpersPart() {
        RowKernels kernels = RowKernels.shared(2);
        AtomicBoolean helperDone = new AtomicBoolean();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernels.parallel(2, (from, to) -> {
            if (from == 0) throw new IllegalStateException("caller's part");
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            helperDone.set(true);
        }));
        assertEquals("caller's part", e.getMessage());
        assertTrue(helperDone.get(), "the helper's part had not finished when parallel returned");
        assertThrows(IllegalStateException.class, () -> kernels.parallel(2, (from, to) -> {
            if (from == 0) throw new IllegalStateException("caller's part again");
            throw new IllegalArgumentException("helper's part");   // both fail: the helper's failure ends with this task
        }));
        float[] y = new float[1];
        kernels.parallel(1, (from, to) -> y[0] += to - from);   // the next task runs whole
        assertEquals(1f, y[0]);
    }
}
