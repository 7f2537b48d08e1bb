package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.ones;

/**
 * {@code java -cp ... org.crossgen.tensor.NativeWarmup}: extracts libtorch into the JavaCPP cache,
 * loads it and runs one op. For image builds and CI steps that want the first-run extraction done
 * up front, and for the test that checks a first run from an empty cache survives.
 */
public final class NativeWarmup {
    private NativeWarmup() {}

    public static void main(String[] args) {
        Torch.init();
        try (NativeScope scope = NativeScope.open()) {
            System.out.println("libtorch ok: sum(ones(2,2)) = " + ones(2, 2).sum().item_float());
        }
    }
}
