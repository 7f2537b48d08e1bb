package org.crossgen.train;

import static org.bytedeco.pytorch.global.torch.log_softmax;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.DType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftRunTest {
    @TempDir Path tmp;

    @Test
    void lossDecreasesOnTinyTaskAndWritesItsFiles() throws Exception {
        List<SftExample> data = TinyTask.examples(16, 1);
        TrainConfig cfg = TrainConfig.builder().epochs(25).learningRate(1e-2).microBatchSize(8).gradientAccumulation(1)
                .maxLength(16).seed(3).checkpointEvery(20).build();
        List<StepMetrics> seen = new ArrayList<>();
        try (LlamaModel model = TinyTask.model(5); SftRun run = new SftRun(model, data, cfg, tmp)) {
            run.listener(new TrainingListener() {
                @Override public void onStep(StepMetrics m) { seen.add(m); }
            });
            run.setUp();
            TrainResult r = run.train();
            double first = seen.get(0).loss(), last = r.finalLoss();
            System.out.printf("tiny task: loss %.4f -> %.4f over %d steps, %.0f tokens/s%n", first, last, r.steps(), r.tokensPerS());
            assertEquals(50, r.steps());                            // 25 epochs x ceil(16 / 8)
            assertTrue(first > 3.5, "a random model starts near ln(48) = 3.87, got " + first);
            assertTrue(last < first - 1.0, "loss should fall by > 1 nat: " + first + " -> " + last);
            assertEquals(1e-2, seen.get(0).lr(), 1e-15);             // linear, no warmup: step 0 at the peak
            assertEquals(1e-2 * 1 / 50, seen.get(49).lr(), 1e-15);   // last step: (50 - 49) / 50
        }
        assertEquals(50, Files.readAllLines(tmp.resolve("metrics.jsonl")).size());
        assertTrue(Files.size(tmp.resolve("loss.png")) > 1000);
        assertTrue(Files.exists(tmp.resolve("final/model.safetensors")));
        assertEquals(List.of("step-00000040", "step-00000050"),
                Checkpoint.list(tmp.resolve("checkpoints")).stream().map(p -> p.getFileName().toString()).toList());
        JsonNode card = new ObjectMapper().readTree(tmp.resolve("run_card.json").toFile());
        assertEquals(SftExample.sha256(data), card.get("data_sha256").asText());
        for (String k : List.of("config", "seed", "final_loss", "tokens_per_s", "wall_s")) assertTrue(card.has(k), "run card lacks " + k);
        assertEquals(java.util.Optional.of(org.crossgen.tensor.Provenance.of("cpu", "fp32")), org.crossgen.tensor.Provenance.in(card));
        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(tmp.resolve("metrics.jsonl")).get(0));
        for (String k : List.of("step", "epoch", "loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s")) assertTrue(line.has(k), "metrics lack " + k);
    }

    /** The trainer's loss equals a manual mean of -log p(target) over target+EOS positions only. */
    @Test
    void promptTokensDoNotContributeToLoss() throws Exception {
        SftExample a = new SftExample(new long[] {1, 10, 11, 12}, new long[] {20, 21});
        SftExample b = new SftExample(new long[] {1, 13}, new long[] {22});
        TrainConfig cfg = TrainConfig.builder().microBatchSize(2).gradientAccumulation(1).maxLength(16).build();
        try (LlamaModel model = TinyTask.model(9); SftRun run = new SftRun(model, List.of(a, b), cfg, null);
             NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            run.setUp();
            SftBatch batch = SftBatch.collate(List.of(a, b), List.of(0, 1), 2, 0, 16);
            double trainer = run.targetLossSum(batch).item_double() / batch.targetTokens();

            // manual: each example alone, no padding, full logits, pick the target positions by hand
            double sum = 0;
            int count = 0;
            for (SftExample e : List.of(a, b)) {
                long[] seq = new long[e.length()];
                System.arraycopy(e.promptIds(), 0, seq, 0, e.promptIds().length);
                System.arraycopy(e.targetIds(), 0, seq, e.promptIds().length, e.targetIds().length);
                seq[seq.length - 1] = 2;
                Tensor logits = model.forward(Tensor.create(seq, 1, seq.length), Tensors.positions(1, seq.length), null, null);
                float[][] lp = Tensors.toFloat2d(log_softmax(logits.select(0, 0), 1));   // (T, V)
                for (int j = e.promptIds().length - 1; j < seq.length - 1; j++) {
                    sum -= lp[j][(int) seq[j + 1]];
                    count++;
                }
            }
            assertEquals(5, count);   // (2 + EOS) + (1 + EOS)
            assertEquals(sum / count, trainer, 1e-5, "trainer loss vs manual target-only mean");
        }
    }

    /**
     * Accumulating 2 micro-batches of 2 gives the same update as one batch of 4 (same token
     * averaging). Adam's first step is about {@code lr * sign(g)}, which turns float noise in
     * near-zero gradients into lr-sized differences; eps = 1 makes the update
     * {@code ~ lr * g / (|g| + 1)}, smooth in g, so the weights compare the gradients themselves.
     */
    @Test
    void gradientAccumulationMatchesOneBigBatch() throws Exception {
        List<SftExample> data = TinyTask.examples(4, 2);
        TrainConfig base = TrainConfig.builder().epochs(1).learningRate(1e-2).eps(1.0).maxLength(16).seed(4).build();
        Map<String, float[]> big, accumulated;
        StepMetrics bigStep, accStep;
        try (LlamaModel model = TinyTask.model(6); SftRun run = new SftRun(model, data,
                base.toBuilder().microBatchSize(4).gradientAccumulation(1).build(), null)) {
            run.setUp();
            bigStep = run.trainStep(System.nanoTime());
            big = TinyTask.snapshot(model.namedWeights());
        }
        try (LlamaModel model = TinyTask.model(6); SftRun run = new SftRun(model, data,
                base.toBuilder().microBatchSize(2).gradientAccumulation(2).build(), null)) {
            run.setUp();
            accStep = run.trainStep(System.nanoTime());
            accumulated = TinyTask.snapshot(model.namedWeights());
        }
        double diff = TinyTask.maxAbsDiff(big, accumulated);
        System.out.printf("accumulation 2x2 vs batch 4: loss %.7f vs %.7f, grad norm %.7f vs %.7f, max |dW| = %.2e%n",
                bigStep.loss(), accStep.loss(), bigStep.gradNorm(), accStep.gradNorm(), diff);
        assertEquals(bigStep.loss(), accStep.loss(), 1e-6);
        assertEquals(bigStep.gradNorm(), accStep.gradNorm(), 1e-6 * bigStep.gradNorm());
        assertTrue(diff <= 1e-6, "max |dW| " + diff + " > 1e-6");
    }

    @Test
    void setUpRefusesTooLongExampleBeforeTraining() {
        List<SftExample> data = List.of(new SftExample(new long[] {1, 5}, new long[] {6}),
                new SftExample(new long[] {1, 5, 6, 7, 8}, new long[] {9}));
        TrainConfig cfg = TrainConfig.builder().maxLength(5).build();
        try (LlamaModel model = TinyTask.model(1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> new SftRun(model, data, cfg, null).setUp());
            assertTrue(e.getMessage().startsWith("training example 1 is 7 tokens"), e.getMessage());
        }
    }

    @Test
    void bf16AutocastTrainsFp32MasterWeights() throws Exception {
        List<SftExample> data = TinyTask.examples(8, 3);
        TrainConfig cfg = TrainConfig.builder().epochs(1).learningRate(1e-2).microBatchSize(4).gradientAccumulation(1)
                .maxLength(16).precision(Precision.BF16_AUTOCAST).build();
        try (LlamaModel model = TinyTask.model(2); SftRun run = new SftRun(model, data, cfg, null)) {
            run.setUp();
            StepMetrics m = run.trainStep(System.nanoTime());
            assertTrue(Double.isFinite(m.loss()) && m.loss() > 3, "bf16 loss " + m.loss());
            assertEquals("Float", model.namedWeights().get("model.norm.weight").scalar_type().intern().name());
        }
    }

    /**
     * bf16 weights with an fp32 master: the weights stay bfloat16, each is the master rounded to
     * bfloat16, the master keeps what bf16 cannot hold (the small updates), and the loss falls.
     */
    @Test
    void bf16WeightsTrainAgainstAnFp32Master() throws Exception {
        List<SftExample> data = TinyTask.examples(8, 3);
        TrainConfig cfg = TrainConfig.builder().epochs(20).learningRate(1e-2).microBatchSize(4).gradientAccumulation(2)
                .maxLength(16).precision(Precision.BF16).build();
        try (LlamaModel model = TinyTask.model(2, DType.BFLOAT16); SftRun run = new SftRun(model, data, cfg, null)) {
            run.setUp();
            double first = run.trainStep(System.nanoTime()).loss();
            assertEquals("BFloat16", model.namedWeights().get("model.norm.weight").scalar_type().intern().name());
            Tensor master = run.masterWeights();
            assertEquals("Float", master.scalar_type().intern().name());
            assertEquals(0.0, master.to(ScalarType.BFloat16).to(ScalarType.Float).sub(run.flatWeights().to(ScalarType.Float))
                    .abs().max().item_double(), "weights = master rounded to bf16");
            assertTrue(master.sub(run.flatWeights().to(ScalarType.Float)).abs().max().item_double() > 0,
                    "the master holds bits bf16 drops");
            double last = first;
            for (int s = 1; s < 20; s++) last = run.trainStep(System.nanoTime()).loss();
            System.out.printf("bf16 weights, fp32 master: loss %.4f -> %.4f over 20 steps%n", first, last);
            assertTrue(last < first - 1.0, "loss should fall by > 1 nat: " + first + " -> " + last);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new SftRun(TinyTask.model(2), data, cfg, null));
        assertEquals("precision bf16 trains bfloat16 weights, but the model was loaded in float32", e.getMessage());
    }

    @Test
    void precisionParsesItsSpellingsAndRefusesFp16() {
        assertEquals(Precision.BF16, Precision.parse("--precision", "bfloat16"));
        assertEquals(Precision.BF16_AUTOCAST, Precision.parse("--precision", "bf16-autocast"));
        assertEquals(Precision.FP32, Precision.parse("--precision", "FP32"));
        var e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("--precision", "fp16"));
        assertEquals("--precision fp16: fp16 training is not supported (it needs loss scaling; bf16 does not); "
                + "expected fp32|float32, bf16-autocast|amp-bf16, bf16|bfloat16", e.getMessage());
        var t = assertThrows(IllegalArgumentException.class, () -> Precision.parse("--precision", "bf61"));
        assertEquals("--precision bf61: unknown precision; expected fp32|float32, bf16-autocast|amp-bf16, bf16|bfloat16", t.getMessage());
    }

    @Test
    void benchReportsThroughput() throws Exception {
        try (LlamaModel model = TinyTask.model(2)) {
            TrainingBench.Result r = TrainingBench.measure(model, TrainConfig.builder().microBatchSize(4).gradientAccumulation(1)
                    .maxLength(16).build(), TinyTask.examples(8, 3), 1, 3);
            System.out.printf("bench: %.0f tokens/s, median step %.4f s%n", r.tokensPerS(), r.medianStepS());
            assertTrue(r.tokensPerS() > 0 && r.timedSteps() == 3);
        }
    }
}
