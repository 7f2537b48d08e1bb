package org.crossgen.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;

/**
 * Checks a {@link MemoryPlan} by measurement: a model of the config with random weights (and,
 * for large models, fewer layers) trains a few optimizer steps on random tokens at the plan's
 * micro-batch and max length, every position but the first a target (the plan's upper bound for
 * the loss head), and the device's peak is read ({@link DeviceMemory}). The plan's runtime
 * allowance is not part of the comparison: on CUDA the allocator does not count the context, on
 * the CPU the baseline resident set (JVM, libtorch) is subtracted.
 */
public final class MemoryCheck {
    private MemoryCheck() {}

    /** The planned bytes (without the runtime allowance) and the measured peak above the baseline. */
    public record Result(MemoryPlan plan, long measured) {
        public long planned() {
            return plan.peak() - plan.runtime();
        }
    }

    /** {@code config} with {@code layers} decoder layers (the rest unchanged). */
    public static LlamaConfig withLayers(LlamaConfig config, int layers) {
        ObjectNode j = config.json().deepCopy();
        j.put("num_hidden_layers", layers);
        return LlamaConfig.fromJson(j);
    }

    /** Runs {@code steps} optimizer steps of {@code train} on a random model of {@code config} on {@code device}. */
    public static Result run(LlamaConfig config, TrainConfig train, ComputeDevice device, int steps) throws IOException {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        MemoryPlan plan = MemoryPlan.of(config, train, 1);
        Random r = new Random(1);
        List<SftExample> examples = new ArrayList<>();
        for (int i = 0; i < train.effectiveBatchSize() * steps; i++) {
            long[] target = new long[train.maxLength() - 2];   // + BOS + EOS = maxLength
            for (int t = 0; t < target.length; t++) target[t] = 3 + r.nextInt(config.vocabSize() - 3);
            examples.add(new SftExample(new long[] {1}, target));
        }
        System.gc();
        DeviceMemory.resetPeak(device);
        long before = DeviceMemory.currentBytes(device);
        try (LlamaModel model = LlamaModel.random(config, 1, train.precision().weights, device);
             SftRun run = new SftRun(model, examples, train.toBuilder().eosTokenId(2).build(), null)) {
            run.setUp();
            for (int s = 0; s < steps; s++) run.trainStep(System.nanoTime());
            long measured = DeviceMemory.peakBytes(device) - before;
            if (run.adapter() != null) run.adapter().close();
            return new Result(plan, measured);
        }
    }
}
