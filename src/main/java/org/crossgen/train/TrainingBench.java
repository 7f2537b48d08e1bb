package org.crossgen.train;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.crossgen.model.llama.LlamaModel;

/** Training throughput: the number {@code crossgen bench train} reports. */
public final class TrainingBench {
    private TrainingBench() {}

    /**
     * @param tokensPerS    real input tokens per second over the timed steps
     * @param medianStepS   median wall seconds per optimizer step
     * @param timedSteps    optimizer steps timed
     * @param tokensPerStep mean real tokens per optimizer step
     * @param peakBytes     peak device memory during the timed steps above the level before them
     *                      (CPU: resident set; CUDA: allocated by tensors), see {@link DeviceMemory}
     */
    public record Result(double tokensPerS, double medianStepS, int timedSteps, double tokensPerStep, long peakBytes) {}

    /**
     * Runs {@code warmupSteps} untimed then {@code timedSteps} timed optimizer steps of {@code config}
     * on {@code model} (trained in place, nothing written to disk) and returns the throughput.
     * The examples are cycled (later epochs reshuffle) if the steps outnumber them.
     */
    public static Result measure(LlamaModel model, TrainConfig config, List<SftExample> examples,
                                 int warmupSteps, int timedSteps) throws IOException {
        if (timedSteps < 1) throw new IllegalArgumentException("timedSteps must be >= 1, got " + timedSteps);
        SftRun run = new SftRun(model, examples, config, null);
        try (run) {
            run.setUp();
            long t0 = System.nanoTime();
            for (int i = 0; i < warmupSteps; i++) run.trainStep(t0);
            double[] secs = new double[timedSteps];
            long tokens = 0;
            System.gc();   // so the JVM's own garbage does not count against the step
            DeviceMemory.resetPeak(model.device());
            long before = DeviceMemory.currentBytes(model.device());
            long start = System.nanoTime();
            for (int i = 0; i < timedSteps; i++) {
                long s = System.nanoTime();
                tokens += run.trainStep(t0).tokens();
                secs[i] = (System.nanoTime() - s) / 1e9;
            }
            double wall = (System.nanoTime() - start) / 1e9;
            long peak = DeviceMemory.peakBytes(model.device()) - before;
            Arrays.sort(secs);
            return new Result(tokens / wall, secs[timedSteps / 2], timedSteps, (double) tokens / timedSteps, peak);
        } finally {
            if (run.adapter() != null) run.adapter().close();   // after the run: it detaches the adapter from the model
        }
    }
}
