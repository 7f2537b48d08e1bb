package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;

/**
 * How many workers {@code study run --workers auto} starts on this machine. A small model leaves
 * most of a core idle when it has several: its matrix products are too small to split, so one
 * worker per core, each with one thread, trains and evaluates ~1.8x faster on 2 cores than one
 * worker with 2 threads (docs/engine.md, workers). A large model's products split well and its
 * memory is the limit, so it gets one worker with every core; so does a GPU, and a study whose
 * training jobs already start several ranks.
 */
public final class WorkerCount {
    /** Models above this many parameters get one worker. */
    public static final long SMALL_MODEL = 200_000_000L;
    /** A worker's memory beyond its model: the JVM, libtorch, activations. */
    static final long WORKER_OVERHEAD = 1L << 30;

    private WorkerCount() {}

    /**
     * @param cores  the CPU cores this process may use
     * @param memory bytes of memory the workers may use together
     */
    public static int auto(StudyPlan plan, ComputeDevice device, int cores, long memory) throws IOException {
        if (device.isCuda() || cores < 2) return 1;
        if (plan.jobs().stream().anyMatch(j -> j.training().ranks() > 1)) return 1;
        long largest = 0;
        for (Path dir : modelDirs(plan)) {
            if (!Files.isRegularFile(dir.resolve("config.json"))) return 1;
            largest = Math.max(largest, LlamaModel.parameterCount(LlamaConfig.read(dir)));
        }
        if (largest == 0 || largest > SMALL_MODEL) return 1;
        long perWorker = 20 * largest + WORKER_OVERHEAD;   // fp32 weights, gradients, AdamW's two moments, and room
        return (int) Math.max(1, Math.min(cores, memory / perWorker));
    }

    /** Intra-op threads per worker: the cores shared out, at least one. */
    public static int threadsPerWorker(int cores, int workers) {
        return Math.max(1, cores / workers);
    }

    private static Set<Path> modelDirs(StudyPlan plan) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (EvalCell c : plan.cells()) dirs.add(c.base().dir());
        for (TrainingJob j : plan.jobs()) dirs.add(j.base().dir());
        return dirs;
    }
}
