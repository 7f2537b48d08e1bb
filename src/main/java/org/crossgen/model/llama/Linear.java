package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.globalContext;
import static org.bytedeco.pytorch.global.torch.is_autocast_enabled;
import static org.bytedeco.pytorch.global.torch.linear;
import static org.bytedeco.pytorch.global.torch.mv;

import org.bytedeco.pytorch.Context;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;

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
        Tensor y = apply(x, weight, bias);                     // (..., out)
        return lora == null ? y : y.add(lora.delta(x));
    }

    /**
     * {@code x W^T + b} ({@code bias} may be null). A single input row, as in batch-1 decoding, is
     * a matrix-vector product, which libtorch's {@code linear} runs as a one-row GEMM; {@code mv}
     * reads the weights faster: OpenBLAS's sgemv 1.4-2.3x in float32, and for bfloat16 libtorch's
     * own gemv (float32 accumulation) 2-3x faster than oneDNN's matmul, which {@code mv} would
     * otherwise pick (docs/engine.md, decoding). Only without autograd and autocast, so training
     * computes exactly as before.
     */
    static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        if (!singleRow(x, weight.size(1))) {
            return bias == null ? linear(x, weight) : linear(x, weight, new TensorOptional(bias));
        }
        long[] shape = x.shape();
        shape[shape.length - 1] = weight.size(0);
        Tensor y;
        if (weight.scalar_type().intern() == ScalarType.BFloat16) {
            Context ctx = globalContext();
            boolean mkldnn = ctx.userEnabledMkldnn();
            ctx.setUserEnabledMkldnn(false);
            try {
                y = mv(weight, x.reshape(-1));
            } finally {
                ctx.setUserEnabledMkldnn(mkldnn);
            }
        } else {
            y = mv(weight, x.reshape(-1));
        }
        return (bias == null ? y : y.add(bias)).view(shape);
    }

    /** Whether {@code x} is one row of {@code in} features, computed without autograd and autocast. */
    static boolean singleRow(Tensor x, long in) {
        return x.numel() == in && !GradMode.is_enabled() && !is_autocast_enabled(x.device().type().intern());
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
