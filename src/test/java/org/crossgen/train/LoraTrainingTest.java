package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraAdapter;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.SafetensorsReader;
import org.crossgen.tensor.Tensors;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA on the real stories260k checkpoint: training, PEFT files, reload, merge. */
class LoraTrainingTest {
    @TempDir Path tmp;

    private static final long[] PROBE = {1, 403, 407, 261, 378, 293, 30};

    private static float[][] logits(LlamaModel model) {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor out = model.forward(Tensor.create(PROBE, 1, PROBE.length), Tensors.positions(1, PROBE.length), null, null);
            return Tensors.toFloat2d(out.select(0, 0));
        }
    }

    private static double maxDiff(float[][] a, float[][] b) {
        double w = 0;
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) w = Math.max(w, Math.abs(a[i][j] - b[i][j]));
        return w;
    }

    private static List<SftExample> data() {
        List<SftExample> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) out.add(new SftExample(new long[] {1, 300 + i, 301 + i, 302 + i}, new long[] {410 + i % 3, 420}));
        return out;
    }

    @Test
    void trainsOnlyAdapterAndRoundTripsThroughPeftFiles() throws Exception {
        LoraConfig lora = new LoraConfig(4, 8, 0.1, List.of("q_proj", "v_proj"));
        TrainConfig cfg = TrainConfig.builder().epochs(3).learningRate(5e-3).microBatchSize(4).gradientAccumulation(1)
                .maxLength(32).seed(11).lora(lora).build();
        Path out = tmp.resolve("run");
        float[][] trained, reloaded, merged;
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            Map<String, float[]> before = TinyTask.snapshot(model.namedWeights());
            float[][] baseLogits = logits(model);
            TrainResult r;
            try (SftRun run = new SftRun(model, data(), cfg, out).baseModelName("stories260k")) {
                run.setUp();
                r = run.train();
                model.train(false);
                trained = logits(model);
                Map<String, float[]> after = TinyTask.snapshot(model.namedWeights());
                for (String name : before.keySet()) {
                    assertArrayEquals(before.get(name), after.get(name), 0f, "base weight " + name + " changed");
                    assertFalse(model.namedWeights().get(name).requires_grad(), name + " should be frozen");
                }
                assertTrue(maxDiff(baseLogits, trained) > 1e-3, "the adapter should change the logits");
                System.out.printf("LoRA stories260k: %d trainable of %d, loss -> %.4f, %.0f tokens/s%n",
                        run.adapter().parameterCount(), model.parameterCount(), r.finalLoss(), r.tokensPerS());

                // merge: W += scale B A gives the same function without the adapter
                run.adapter().merge();
                merged = logits(model);
                run.adapter().close();
            }
        }
        double mergeDiff = maxDiff(trained, merged);
        double scale = 0;
        for (float[] row : trained) for (float v : row) scale = Math.max(scale, Math.abs(v));
        System.out.printf("merged vs base+adapter: max |dlogit| = %.2e (max |logit| %.2f)%n", mergeDiff, scale);
        // fp32: the merged W is rounded once per element and the two forwards round differently,
        // so the bound is relative to the logits' size (|logit| up to ~12 here gives ~1e-5)
        assertTrue(mergeDiff <= 1e-5 * Math.max(1, scale), "fp32 merged logits differ by " + mergeDiff);

        // float64: merging is exact to ~1e-12, which checks the algebra W + (alpha / r) B A itself
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT64, ComputeDevice.CPU);
             LoraAdapter adapter = LoraAdapter.load(model, out.resolve("final"))) {
            float[][] withAdapter = logits(model);
            adapter.merge();
            double d64 = maxDiff(withAdapter, logits(model));
            System.out.printf("float64 merged vs base+adapter: max |dlogit| = %.2e%n", d64);
            assertTrue(d64 <= 1e-5, "float64 merged logits differ by " + d64);
        }

        // reload the saved adapter onto a fresh base: identical logits
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU);
             LoraAdapter adapter = LoraAdapter.load(model, out.resolve("final"))) {
            reloaded = logits(model);
            assertEquals(lora, adapter.config());
        }
        assertEquals(0.0, maxDiff(trained, reloaded), "reloaded adapter logits must be identical");
    }

    @Test
    void adapterFilesUsePeftNamesAndConfigKeys() throws Exception {
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU);
             LoraAdapter adapter = LoraAdapter.attach(model, LoraConfig.defaults(), 1)) {
            adapter.save(tmp, "stories260k");
        }
        JsonNode j = new ObjectMapper().readTree(tmp.resolve("adapter_config.json").toFile());
        TreeSet<String> keys = new TreeSet<>();
        for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) keys.add(it.next());
        assertTrue(keys.containsAll(List.of("peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "target_modules", "bias",
                "base_model_name_or_path", "fan_in_fan_out", "inference_mode")), "config keys " + keys);
        assertEquals("LORA", j.get("peft_type").asText());
        assertEquals("CAUSAL_LM", j.get("task_type").asText());
        assertEquals(8, j.get("r").asInt());
        assertEquals("none", j.get("bias").asText());
        assertEquals("[\"q_proj\",\"v_proj\"]", j.get("target_modules").toString());
        assertFalse(j.get("fan_in_fan_out").asBoolean());
        assertTrue(j.get("inference_mode").asBoolean());
        try (SafetensorsReader r = SafetensorsReader.open(tmp.resolve("adapter_model.safetensors"))) {
            List<String> names = new ArrayList<>(new TreeSet<>(r.infos().keySet()));
            assertEquals(5 * 2 * 2, names.size());   // 5 layers x {q, v} x {A, B}
            assertEquals("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", names.get(0));
            assertTrue(names.contains("base_model.model.model.layers.4.self_attn.v_proj.lora_B.weight"));
            assertArrayEquals(new long[] {8, 64}, r.infos().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
            assertArrayEquals(new long[] {32, 8}, r.infos().get("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").shape());
            float[] a = Tensors.toFloats(r.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
            float bound = (float) (1 / Math.sqrt(64));   // kaiming_uniform(a=sqrt(5)) on fan_in 64
            double maxAbs = 0;
            for (float v : a) maxAbs = Math.max(maxAbs, Math.abs(v));
            assertTrue(maxAbs <= bound && maxAbs > 0.8 * bound, "A range " + maxAbs + " vs bound " + bound);
            for (float v : Tensors.toFloats(r.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"))) assertEquals(0f, v);
        }
    }
}
