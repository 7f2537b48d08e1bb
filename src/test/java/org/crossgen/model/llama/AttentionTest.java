package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.scaled_dot_product_attention;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.tensor.Autocast;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.tensor.Torch;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 attention on the CPU takes the eager path (bf16 products, float32 softmax) instead of
 * libtorch's kernel: checked against libtorch's float32 kernel on the same (bf16-rounded) inputs.
 */
class AttentionTest {
    private static final long B = 2, H = 4, T = 6, D = 16;

    /** Worst |a - b| over all elements, both read as float32. */
    private static double worst(Tensor a, Tensor b) {
        return a.to(ScalarType.Float).sub(b.to(ScalarType.Float)).abs().max().item_double();
    }

    private static Tensor reference(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        return scaled_dot_product_attention(q.to(ScalarType.Float), k.to(ScalarType.Float), v.to(ScalarType.Float),
                mask == null ? new TensorOptional() : new TensorOptional(mask), 0.0, causal, new DoubleOptional(), false);
    }

    /** A (B, 1, T, T) mask that hides some keys from some queries but never a whole row. */
    private static Tensor patchyMask() {
        boolean[] m = new boolean[(int) (B * T * T)];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < T; i++) {
                for (int j = 0; j < T; j++) m[(int) ((b * T + i) * T + j)] = j == i || (i + j + b) % 3 != 0;
            }
        }
        return Tensor.create(m, B, 1, T, T);
    }

    @Test
    void bf16AttentionAgreesWithLibtorchsFloat32Kernel() {
        Torch.seed(5);
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor q = randn(B, H, T, D).to(ScalarType.BFloat16);
            Tensor k = randn(B, H, T, D).to(ScalarType.BFloat16);
            Tensor v = randn(B, H, T, D).to(ScalarType.BFloat16);
            for (boolean causal : new boolean[] {false, true}) {
                Tensor got = Attention.apply(q, k, v, null, causal);
                assertEquals(ScalarType.BFloat16, got.scalar_type().intern());
                double err = worst(got, reference(q, k, v, null, causal));
                // bf16 keeps 8 significant bits: outputs of magnitude ~1 round by up to ~0.008, scores by as much
                assertTrue(err < 0.05, "causal " + causal + ": worst difference " + err);
            }
            Tensor mask = patchyMask();
            double err = worst(Attention.apply(q, k, v, mask, false), reference(q, k, v, mask, false));
            assertTrue(err < 0.05, "masked: worst difference " + err);
            // a wrong mask or a missing causal flag moves outputs by their own size, far beyond the bound
            assertTrue(worst(Attention.apply(q, k, v, null, false), reference(q, k, v, null, true)) > 0.3);
        }
    }

    @Test
    void float32AttentionIsLibtorchsKernel() {
        Torch.seed(6);
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor q = randn(B, H, T, D), k = randn(B, H, T, D), v = randn(B, H, T, D);
            assertEquals(0.0, worst(Attention.apply(q, k, v, patchyMask(), false), reference(q, k, v, patchyMask(), false)));
        }
    }

    @Test
    void underBf16AutocastFloat32InputsAttendInBf16AndGradientsFlow() {
        Torch.seed(7);
        try (NativeScope scope = NativeScope.open()) {
            Tensor q = randn(B, H, T, D).requires_grad_(true);
            Tensor k = randn(B, H, T, D), v = randn(B, H, T, D);
            Tensor got;
            try (Autocast ac = Autocast.open(DType.BFLOAT16, ComputeDevice.CPU)) {
                got = Attention.apply(q, k, v, null, true);
            }
            assertEquals(ScalarType.BFloat16, got.scalar_type().intern());
            assertTrue(worst(got, reference(q.detach(), k, v, null, true)) < 0.05);
            got.to(ScalarType.Float).sum().backward();
            float[] g = Tensors.toFloats(q.grad().reshape(-1));
            double norm = 0;
            for (float x : g) norm += x * x;
            assertTrue(norm > 0 && Double.isFinite(norm), "gradient of q: squared norm " + norm);
        }
    }
}
