package org.crossgen.bench;

import static org.bytedeco.pytorch.global.torch.matmul;
import static org.bytedeco.pytorch.global.torch.ones;
import static org.bytedeco.pytorch.global.torch.randn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Torch;

/**
 * The limits engine throughput is judged against, measured on this machine with libtorch itself:
 * the matmul peak (float32 through OpenBLAS, bfloat16 through oneDNN) and the memory-read
 * bandwidth. Each is the median of a few repetitions after one warm-up, so a bench can measure
 * them next to the workload they judge (the machine's load changes both alike).
 */
final class HardwareLimits {
    private HardwareLimits() {}

    /**
     * GFLOP/s of one {@code n x n x n} matmul ({@code 2 n^3} flops) in {@code dtype}, with every
     * intra-op thread and as many OpenBLAS threads: the best the cores do, whatever thread split
     * the workload itself uses. OpenBLAS's thread count is restored afterwards.
     */
    static double matmulGflops(DType dtype, int n, int reps, ComputeDevice device) {
        int blas = Torch.blasThreads();
        Torch.blasThreads(Torch.threads());
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor a = randn(n, n).to(device.device(), dtype.scalarType), b = randn(n, n).to(device.device(), dtype.scalarType);
            // reading one element waits for the product (a no-op on the CPU, a sync on a GPU)
            return 2.0 * n * n * n / medianSeconds(reps, () -> matmul(a, b).select(0, 0).select(0, 0).item_double()) / 1e9;
        } finally {
            Torch.blasThreads(blas);
        }
    }

    /** GB/s (1e9 bytes) reading {@code bytes} of float32 once, as a sum over every intra-op thread. */
    static double readBandwidthGbs(long bytes, int reps, ComputeDevice device) {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor x = ones(bytes / 4).to(device.device(), ScalarType.Float);
            return bytes / medianSeconds(reps, () -> x.sum().item_double()) / 1e9;
        }
    }

    private static double medianSeconds(int reps, DoubleSupplier work) {
        if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i <= reps; i++) {              // the first run warms caches and thread pools
            long t0 = System.nanoTime();
            try (NativeScope scope = NativeScope.open()) {
                work.getAsDouble();
            }
            if (i > 0) seconds.add((System.nanoTime() - t0) / 1e9);
        }
        return Spread.of(seconds).median();
    }
}
