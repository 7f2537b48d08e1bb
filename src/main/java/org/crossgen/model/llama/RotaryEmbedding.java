package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.cat;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embeddings in Hugging Face's rotate_half convention (checkpoints store q/k rows
 * permuted for it), driven by per-token position ids so left-padded batches rotate each token by
 * its own position. cos/sin are computed in float32 then cast, as transformers does.
 */
final class RotaryEmbedding {
    private final Tensor invFreq; // (D/2) float32, owned
    private final float[] inv;    // the same in Java

    RotaryEmbedding(LlamaConfig c, org.crossgen.tensor.ComputeDevice device) {
        int dim = c.headDim();
        inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            // float32 arithmetic like transformers: base ** (arange(0, dim, 2).float() / dim)
            float exponent = (float) (2 * i) / dim;
            double f = 1.0 / (float) Math.pow(c.ropeTheta(), exponent);
            inv[i] = (float) (c.ropeScaling() == null ? f : c.ropeScaling().apply(f));
        }
        invFreq = Tensor.create(inv, inv.length).to(device.device(), ScalarType.Float); // once, on the model's device
        invFreq.retainReference();
    }

    /** The inverse frequency of each pair of rotated features {@code (D/2)}. */
    float[] inverseFrequencies() {
        return inv.clone();
    }

    /** cos and sin for positions {@code (B, T)}: each {@code (B, 1, T, D)} in {@code dtype}. */
    Tensor[] cosSin(Tensor positions, ScalarType dtype) {
        Tensor freqs = positions.to(ScalarType.Float).unsqueeze(-1).mul(invFreq); // (B, T, D/2)
        Tensor emb = cat(new TensorVector(freqs, freqs), -1);                 // (B, T, D)
        return new Tensor[] {emb.cos().to(dtype).unsqueeze(1), emb.sin().to(dtype).unsqueeze(1)};
    }

    /** {@code x * cos + rotate_half(x) * sin} for x {@code (B, H, T, D)}. */
    static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long half = x.size(3) / 2;
        Tensor rotated = cat(new TensorVector(x.narrow(3, half, half).neg(), x.narrow(3, 0, half)), 3);
        return x.mul(cos).add(rotated.mul(sin));
    }

    void close() {
        invFreq.releaseReference();
    }
}
