package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.linear;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * {@code y = x W^T + b}, with an optional LoRA update {@code + scale * B(A(dropout(x)))}.
 * The weight keeps its Hugging Face name and {@code (out, in)} layout.
 */
public final class Linear {
    final String name;       // e.g. model.layers.0.self_attn.q_proj
    final Tensor weight;     // (out, in)
    final Tensor bias;       // (out) or null
    LoraWeights lora;        // null unless an adapter is attached

    Linear(String name, Tensor weight, Tensor bias) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
    }

    Tensor forward(Tensor x) {                                 // x: (..., in)
        Tensor y = bias == null ? linear(x, weight) : linear(x, weight, new TensorOptional(bias)); // (..., out)
        return lora == null ? y : y.add(lora.delta(x));
    }

    public String name() {
        return name;
    }

    public long inFeatures() {
        return weight.size(1);
    }

    public long outFeatures() {
        return weight.size(0);
    }
}
