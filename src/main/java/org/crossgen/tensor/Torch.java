package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.set_num_threads;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single native-initialisation point of crossgen: every class that touches libtorch calls
 * {@link #init()} first (it is cheap after the first call).
 *
 * <p>Why the pre-extraction: JavaCPP extracts and loads the natives one at a time
 * ({@code libc10}, {@code libtorch}, {@code libtorch_cpu}). On a first run from an empty
 * {@code ~/.javacpp/cache}, {@code libtorch.so}'s {@code NEEDED libtorch_cpu.so} is resolved before
 * the bundled copy is extracted, so the dynamic linker may bind another libtorch found on the
 * system path (Debian's {@code libtorch-dev}, a pip install on {@code LD_LIBRARY_PATH}), and the
 * process dies with SIGSEGV in the static initialisers. Extracting every bundled library before
 * the first {@code dlopen} makes the linker find the bundled copy via {@code RUNPATH $ORIGIN}.
 * See {@code docs/engine.md}.
 */
public final class Torch {
    private static final Logger log = LoggerFactory.getLogger(Torch.class);
    private static volatile boolean ready;

    private Torch() {}

    /**
     * JavaCPP measures the process's resident memory each time it allocates a native object (every
     * tensor handle an op returns), to call {@code System.gc()} past a limit. crossgen frees
     * tensors through {@link NativeScope}, not the GC, and the measurement was half the cost of a
     * small op (an {@code add} of 512 floats: 3.2 µs, 1.7 µs without it; docs/engine.md), so it is
     * off unless the user sets the property. It must be set before JavaCPP's {@code Pointer} loads.
     */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    /** Extracts and loads libtorch once per JVM and sets the intra-op thread count. */
    public static void init() {
        if (ready) return;
        synchronized (Torch.class) {
            if (ready) return;
            long t0 = System.nanoTime();
            skipResidentMemoryChecks();
            try {
                extractNatives();
                Class<?> global = Class.forName("org.bytedeco.pytorch.global.torch");
                Loader.load(global);
            } catch (Exception e) {
                throw new IllegalStateException("cannot load libtorch: " + e.getMessage(), e);
            }
            set_num_threads(defaultThreads());
            matchBlasThreads(defaultThreads());
            ready = true;
            log.debug("libtorch ready in {} ms, {} intra-op threads", (System.nanoTime() - t0) / 1_000_000,
                    get_num_threads());
        }
    }

    /**
     * Copies every bundled native library into the JavaCPP cache without loading any of them.
     * Does nothing when the cache is already complete; JavaCPP locks the cache while extracting.
     * Usable on its own (a warm-up step for images and CI) because it never calls {@code dlopen}.
     */
    public static void extractNatives() throws Exception {
        skipResidentMemoryChecks();
        // Class.forName(..., false, ...) avoids the static initialiser, which would load the natives.
        Class<?> global = Class.forName("org.bytedeco.pytorch.global.torch", false, Torch.class.getClassLoader());
        // "-gpu" selects the CUDA build (mvn -Pcuda); JavaCPP reads the same property when loading
        String platform = Loader.getPlatform() + System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        Loader.cacheResources(global, "/org/bytedeco/pytorch/" + platform + "/");
    }

    private static void skipResidentMemoryChecks() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase()) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }

    /** Intra-op threads: {@code CROSSGEN_THREADS} if set, else the number of available cores. */
    static int defaultThreads() {
        String env = System.getenv("CROSSGEN_THREADS");
        if (env != null && !env.isBlank()) {
            int n = Integer.parseInt(env.trim());
            if (n < 1) throw new IllegalArgumentException("CROSSGEN_THREADS must be >= 1, got " + env);
            return n;
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Sets the number of intra-op threads (and OpenBLAS's, as {@link #init} does). */
    public static void threads(int n) {
        init();
        set_num_threads(n);
        matchBlasThreads(n);
    }

    /**
     * OpenBLAS runs libtorch's float32 matmuls in its own thread pool. Its threads and libtorch's
     * OpenMP threads share the cores well only when OpenMP threads sleep as soon as their work is
     * done ({@code OMP_WAIT_POLICY=PASSIVE}, which the launcher sets): then OpenBLAS gets as many
     * threads as libtorch (58M shape, 2 cores: fp32 training 1.34x, batch-16 decoding 1.48x). With
     * spinning OpenMP threads two pools fight (training 0.8x, batch-1 decoding 0.17x), so OpenBLAS
     * keeps one thread. {@code OPENBLAS_NUM_THREADS}, when set, wins (docs/engine.md, Threads).
     */
    private static void matchBlasThreads(int threads) {
        if (System.getenv("OPENBLAS_NUM_THREADS") != null) return;
        boolean passive = "passive".equalsIgnoreCase(String.valueOf(System.getenv("OMP_WAIT_POLICY")).trim());
        openblas_full.openblas_set_num_threads(passive ? threads : 1);
    }

    /** libtorch's intra-op threads (elementwise ops, reductions, oneDNN's bf16 matmuls, attention). */
    public static int threads() {
        init();
        return get_num_threads();
    }

    /**
     * Threads of OpenBLAS, which runs libtorch's float32 matmuls in its own pool, separate from the
     * intra-op pool; {@code OPENBLAS_NUM_THREADS} sets it at start-up (see docs/engine.md, Threads).
     */
    public static int blasThreads() {
        init();
        return openblas_full.openblas_get_num_threads();
    }

    /**
     * The kernels OpenBLAS chose for this CPU, e.g. {@code Haswell} or {@code SkylakeX}; an
     * {@code OPENBLAS_CORETYPE} in the environment overrides its choice (docs/engine.md, OpenBLAS kernels).
     */
    public static String blasCore() {
        init();
        return openblas_full.openblas_get_corename().getString().trim();
    }

    /** Sets OpenBLAS's thread count for the float32 matmuls that follow (process-wide). */
    public static void blasThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("BLAS threads must be >= 1, got " + n);
        init();
        openblas_full.openblas_set_num_threads(n);
    }

    /** Seeds libtorch's default generator (CPU and, when present, CUDA). */
    public static void seed(long seed) {
        init();
        manual_seed(seed);
    }
}
