package org.crossgen.train;

/** How the forward pass computes; master weights, gradients and optimizer state are always fp32. */
public enum Precision {
    /** Everything in float32. */
    FP32,
    /** Forward under bf16 autocast (matmuls in bfloat16), loss and backward into fp32 weights. */
    BF16
}
