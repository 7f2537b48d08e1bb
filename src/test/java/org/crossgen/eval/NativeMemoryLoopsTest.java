package org.crossgen.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.data.TaskRegistry;
import org.crossgen.infer.GreedyGenerator;
import org.crossgen.infer.StopCondition;
import org.crossgen.infer.TorchLanguageModel;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.testing.NativeResident;
import org.crossgen.text.Tokenizer;
import org.crossgen.train.SftExample;
import org.crossgen.train.SftRun;
import org.crossgen.train.StepMetrics;
import org.crossgen.train.TrainConfig;
import org.crossgen.train.TrainingListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real loops free what each iteration allocates: native resident memory
 * ({@link NativeResident}) stays flat over training steps of {@link SftRun}, calls of
 * {@link GreedyGenerator#generate} and an {@link Evaluator} run of 200 records, after a warm-up
 * that lets the allocator, the optimizer state and the JIT settle. Each bound is far below what
 * one iteration's leaked allocations would add over the measured iterations (figures in each test),
 * and well above the allocator's noise on a loaded machine.
 */
@Tag("slow")   // ~45 s of CPU: more than the regular suite's budget for one class
class NativeMemoryLoopsTest {
    /** Four times the largest growth seen on a loaded 2-core machine (8.7 MB), a quarter of the smallest leak figure (126 MB). */
    private static final long BOUND = 32L << 20;
    @TempDir Path tmp;

    /** The measure itself: 2 MB of tensors kept every iteration read as about 30 iterations x 2 MB between the windows. */
    @Test
    void aLoopThatKeepsItsTensorsExceedsTheBound() {
        int iterations = 60, warmup = 20;
        NativeResident resident = new NativeResident();
        List<Tensor> kept = new ArrayList<>();
        try {
            for (int i = 0; i < iterations; i++) {
                kept.add(Tensor.create(new float[512 * 1024], 512, 1024));   // 2 MB, written, so resident
                resident.sample();
            }
            assertTrue(resident.growth(warmup) > BOUND, resident.describe(warmup));
        } finally {
            kept.forEach(Tensor::close);
        }
    }

    @Test
    void sftRunStepsKeepNativeMemoryFlat() throws Exception {
        // 8 examples of 32 tokens a step: the forward alone keeps at least 8 activations (B, T, 64) and 3 (B, T, 172)
        // per layer, 2 layers x 256 tokens x 1028 floats x 4 bytes = 2.1 MB; leaked every step, the 60 steps after
        // warm-up would add 126 MB
        int steps = 80, warmup = 20;
        LlamaConfig c = LlamaConfig.of(2000, 64, 2, 4, 2, 172, false);
        Random r = new Random(5);
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < 8 * steps; i++) data.add(new SftExample(r.longs(24, 3, 2000).toArray(), r.longs(7, 3, 2000).toArray()));
        TrainConfig cfg = TrainConfig.builder().epochs(1).microBatchSize(8).gradientAccumulation(1).maxLength(32).seed(1).build();
        NativeResident resident = new NativeResident();
        try (LlamaModel model = LlamaModel.random(c, 7, DType.FLOAT32, ComputeDevice.CPU);
             SftRun run = new SftRun(model, data, cfg, tmp.resolve("run"))) {
            run.listener(new TrainingListener() {
                @Override public void onStep(StepMetrics m) { resident.sample(); }
            });
            run.setUp();
            assertEquals(steps, run.train().steps());
        }
        assertTrue(resident.growth(warmup) < BOUND, resident.describe(warmup) + " (bound 32 MB)");
    }

    @Test
    void greedyGenerationKeepsNativeMemoryFlat() {
        // batch 8, prompts of 64 tokens: the prefill keeps at least 8 activations (B, T, 128) and 3 (B, T, 256) per
        // layer, 2 layers x 512 tokens x 1792 floats x 4 bytes = 7.3 MB a call; leaked, the 30 calls after warm-up add 220 MB
        int calls = 50, warmup = 20;
        LlamaConfig c = LlamaConfig.of(2000, 128, 2, 4, 4, 256, false);
        Random r = new Random(9);
        List<long[]> prompts = new ArrayList<>();
        for (int i = 0; i < 8; i++) prompts.add(r.longs(64, 3, 2000).toArray());
        NativeResident resident = new NativeResident();
        try (LlamaModel model = LlamaModel.random(c, 3, DType.FLOAT32, ComputeDevice.CPU)) {
            GreedyGenerator generator = new GreedyGenerator(model, Set.of(), 0);
            for (int i = 0; i < calls; i++) {
                assertEquals(8, generator.generate(prompts, 8, StopCondition.NEVER).get(0).length);
                resident.sample();
            }
        }
        assertTrue(resident.growth(warmup) < BOUND, resident.describe(warmup) + " (bound 32 MB)");
    }

    @Test
    void evaluatingTwoHundredRecordsKeepsNativeMemoryFlat() {
        // a forward keeps at least 8 activations (B, T, 128) and 3 (B, T, 256) per layer, 2 x 1792 floats x 4 bytes
        // = 14 KB per prompt token; batches go longest first, so the 160 records after warm-up are the shortest,
        // 19,725 tokens: leaked, their forwards would add 283 MB
        int warmup = 10;   // batches of 4 records; the progress callback samples once a batch
        LlamaConfig c = LlamaConfig.of(32000, 128, 2, 4, 4, 256, true);
        NativeResident resident = new NativeResident();
        try (LlamaModel model = LlamaModel.random(c, 11, DType.FLOAT32, ComputeDevice.CPU); Tokenizer tokenizer = Tokenizer.mistral32k()) {
            Evaluator evaluator = new Evaluator(new TorchLanguageModel(model, tokenizer), TaskRegistry.paper(), 4);
            EvalSpec spec = new EvalSpec("sentiment/yelp", 0, 0, Sampler.FIRST_K, 1234, ScoringMode.FIRST_TOKEN, 200, 60, 1024, false);
            EvalResult result = evaluator.run("random", spec, done -> resident.sample());
            assertEquals(200, result.records().size());
        }
        assertTrue(resident.growth(warmup) < BOUND, resident.describe(warmup) + " (bound 32 MB)");
    }
}
