package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The attention kernels on a bfloat16 cache against the float32 kernels on the same values, widened. */
class RowKernelsTest {
    private static final int D = 24, STRIDE = 48;   // D not a multiple of the vector length: both kernels' scalar tails run

    /** {@code n}: positions, below and above one vector of them, so the vector loops and the scalar tails both run. */
    @ParameterizedTest
    @ValueSource(ints = {5, 21, 37})
    void bfloat16KernelsEqualTheFloat32KernelsOnTheWidenedValues(int n) {
        Random r = new Random(n);
        short[] halves = new short[D * STRIDE];
        float[] widened = new float[halves.length];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = RowKernels.bfloat16((float) r.nextGaussian());
            widened[i] = RowKernels.low(halves[i]);
        }
        float[] q = new float[2 * D];
        for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();

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
}
