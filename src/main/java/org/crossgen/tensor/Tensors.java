package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.arange;
import static org.bytedeco.pytorch.global.torch.cross_entropy;

import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.LossReduction;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.kSum;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Conversions between libtorch tensors and Java arrays. */
public final class Tensors {
    private Tensors() {}

    /**
     * The cross-entropy of {@code logits (N, V)} against {@code targets (N)}, summed rather than
     * averaged, in float32: a caller divides by the token count of a whole step, not of one part of it.
     */
    public static Tensor crossEntropySum(Tensor logits, Tensor targets) {
        CrossEntropyLossOptions sum = new CrossEntropyLossOptions();
        sum.reduction().put(new LossReduction(new kSum()));
        return cross_entropy(logits.to(ScalarType.Float), targets, sum);
    }

    /** Position ids {@code 0..t-1} for every row: (B, T) int64. */
    public static Tensor positions(long batch, long t) {
        return arange(new Scalar(t), new TensorOptions(ScalarType.Long)).unsqueeze(0).expand(batch, t);
    }

    /** A 2-D tensor as float[rows][cols] (copied to CPU float32). */
    public static float[][] toFloat2d(Tensor t) {
        Tensor c = t.to(ScalarType.Float).cpu().contiguous();
        int rows = (int) c.size(0), cols = (int) c.size(1);
        float[] flat = new float[rows * cols];
        c.data_ptr_float().get(flat);
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = new float[cols];
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /** Any tensor flattened to float[] (copied to CPU float32). */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.to(ScalarType.Float).cpu().contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    /** Any integer tensor flattened to long[] (copied to CPU int64). */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.to(ScalarType.Long).cpu().contiguous();
        long[] out = new long[(int) c.numel()];
        c.data_ptr_long().get(out);
        return out;
    }
}
