package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.get_autocast_dtype;
import static org.bytedeco.pytorch.global.torch.is_autocast_enabled;
import static org.bytedeco.pytorch.global.torch.ones;
import static org.bytedeco.pytorch.global.torch.scaled_dot_product_attention;
import static org.bytedeco.pytorch.global.torch.softmax;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Scaled dot-product attention, {@code softmax(q k^T / sqrt(D) + mask) v}.
 *
 * <p>libtorch's CPU kernel for bfloat16 (flash attention) runs its block products through a
 * scalar fallback GEMM on processors without AMX: 35% of a bf16 training step of the 58M bench
 * shape in {@code perf}. Attention in bfloat16 on the CPU (bf16 weights, or autocast to bf16)
 * therefore takes the eager path of transformers' {@code LlamaAttention}: both products in
 * bfloat16 through oneDNN, the softmax in float32. It materialises the {@code (B, H, T, S)}
 * scores, so only while they stay under {@link #EAGER_SCORES}; longer contexts keep libtorch's
 * kernel, slow but linear in memory. Everything else (float32, CUDA) goes to libtorch's kernel.
 */
final class Attention {
    /** Largest score tensor (elements) the eager path builds: 128 MB of float32 softmax. */
    static final long EAGER_SCORES = 1L << 25;

    private Attention() {}

    /**
     * @param q      (B, H, T, D)
     * @param k      (B, H, S, D), and {@code v} alike
     * @param mask   (B, 1, T, S) boolean, true = may attend; null for none
     * @param causal top-left aligned causal mask (only without {@code mask})
     * @return (B, H, T, D)
     */
    static Tensor apply(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        ScalarType low = cpuBf16(q);
        if (low != null && q.size(0) * q.size(1) * q.size(2) * k.size(2) <= EAGER_SCORES) return eager(q, k, v, mask, causal, low);
        return scaled_dot_product_attention(q, k, v,
                mask == null ? new TensorOptional() : new TensorOptional(mask), 0.0, causal, new DoubleOptional(), false);
    }

    /** bfloat16 when attention on the CPU computes in it (the tensors' dtype, or autocast's), else null. */
    private static ScalarType cpuBf16(Tensor q) {
        if (q.is_cuda()) return null;
        if (q.scalar_type().intern() == ScalarType.BFloat16) return ScalarType.BFloat16;
        boolean autocast = is_autocast_enabled(DeviceType.CPU) && get_autocast_dtype(DeviceType.CPU).intern() == ScalarType.BFloat16;
        return autocast ? ScalarType.BFloat16 : null;
    }

    private static Tensor eager(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, ScalarType low) {
        long t = q.size(2), s = k.size(2);
        Tensor scores = q.to(low).matmul(k.to(low).transpose(2, 3))                        // (B, H, T, S)
                .to(ScalarType.Float).mul(new Scalar(1.0 / Math.sqrt(q.size(3))));
        Tensor blocked = null;
        if (mask != null) blocked = mask.logical_not();
        else if (causal) blocked = ones(new long[] {t, s}, new TensorOptions(ScalarType.Bool)).triu(1);
        if (blocked != null) scores = scores.masked_fill(blocked, new Scalar(Double.NEGATIVE_INFINITY));
        return softmax(scores, -1, new ScalarTypeOptional(ScalarType.Float)).to(low).matmul(v.to(low));
    }
}
