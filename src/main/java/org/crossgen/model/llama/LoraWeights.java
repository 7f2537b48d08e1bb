package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.dropout;
import static org.bytedeco.pytorch.global.torch.linear;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The low-rank update of one {@link Linear}: {@code delta(x) = (alpha / r) * B(A(dropout(x)))},
 * with {@code A: (r, in)} and {@code B: (out, r)} (PEFT's {@code lora_A.weight} / {@code lora_B.weight}).
 * B starts at zero so an untrained adapter leaves the model unchanged. Dropout acts only in training.
 */
final class LoraWeights {
    final Tensor a;          // (r, in)
    final Tensor b;          // (out, r)
    final double scale;      // alpha / r
    final double dropoutP;
    boolean training;

    LoraWeights(Tensor a, Tensor b, double scale, double dropoutP) {
        this.a = a;
        this.b = b;
        this.scale = scale;
        this.dropoutP = dropoutP;
    }

    Tensor delta(Tensor x) {                                    // x: (..., in)
        Tensor in = dropoutP > 0 && training ? dropout(x, dropoutP, true) : x;
        return linear(linear(in, a), b).mul(new Scalar(scale)); // (..., out)
    }
}
