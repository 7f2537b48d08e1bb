package org.crossgen.infer;

/**
 * The check that a forward pass gave numbers. NaN logits (NaN weights that slipped past the load
 * check, a float16 overflow) would otherwise decode to token 0 or score every label alike, and the
 * run would end with exit code 0. Applied to values already copied to the host, so it costs nothing.
 */
final class NanLogits {
    private NanLogits() {}

    static void check(float[] values) {
        for (float v : values) if (Float.isNaN(v)) throw error();
    }

    /** A log-likelihood summed from logits: NaN if any of them was. */
    static void check(double value) {
        if (Double.isNaN(value)) throw error();
    }

    private static IllegalStateException error() {
        return new IllegalStateException("the model produced NaN logits: its weights or config.json are broken, or the "
                + "compute dtype overflowed (try --dtype float32)");
    }
}
