package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {
    @TempDir Path tmp;

    private static float[] logits(LlamaModel m) {
        try (NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            long[] ids = {1, 300, 301, 302};
            return Tensors.toFloats(m.forward(Tensor.create(ids, 1, 4), Tensors.positions(1, 4), null, null));
        }
    }

    @Test
    void freshAdapterLeavesLogitsUnchangedAndDetachRestoresBase() throws IOException {
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            float[] base = logits(model);
            try (LoraAdapter a = LoraAdapter.attach(model, new LoraConfig(4, 8, 0, List.of("q_proj", "k_proj", "v_proj", "o_proj")), 3)) {
                assertArrayEquals(base, logits(model), 0f, "B = 0: a fresh adapter adds exactly nothing");
                assertEquals(5 * (4 * (64 + 64) + 4 * (64 + 32) + 4 * (64 + 32) + 4 * (64 + 64)), a.parameterCount());
                var e = assertThrows(IllegalStateException.class, () -> LoraAdapter.attach(model, LoraConfig.defaults(), 1));
                assertTrue(e.getMessage().endsWith("already has a LoRA adapter attached"), e.getMessage());
            }
            assertArrayEquals(base, logits(model), 0f);
        }
    }

    /**
     * The adapter's gradients follow the chain rule through the merged weight {@code W' = W + s B A}:
     * with {@code G = dL/dW'}, {@code dL/dB = s G A^T} and {@code dL/dA = s B^T G} (float64, no dropout).
     */
    @Test
    void adapterGradientsAreTheMergedWeightsGradientThroughBA() throws IOException {
        String q = "model.layers.1.self_attn.q_proj", down = "model.layers.3.mlp.down_proj";
        LoraConfig config = new LoraConfig(4, 8, 0, List.of("q_proj", "down_proj"));
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT64, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open()) {
            Map<String, Tensor[]> lora = new LinkedHashMap<>();   // name -> {A, B, dL/dA, dL/dB}
            try (LoraAdapter adapter = LoraAdapter.attach(model, config, 3)) {
                try (NoGradGuard ng = new NoGradGuard()) {          // B = 0 would give A no gradient
                    adapter.tensors().forEach((n, t) -> { if (n.endsWith("lora_B.weight")) t.copy_(randn(t.shape()).to(ScalarType.Double).mul(new Scalar(0.1))); });
                }
                adapter.trainable(true);
                loss(model).backward();
                for (String n : List.of(q, down)) {
                    Tensor a = adapter.tensors().get("base_model.model." + n + ".lora_A.weight");
                    Tensor b = adapter.tensors().get("base_model.model." + n + ".lora_B.weight");
                    lora.put(n, new Tensor[] {a.detach().clone(), b.detach().clone(), a.grad().clone(), b.grad().clone()});
                }
                adapter.trainable(false);
                adapter.merge();
            }
            model.prepareForTraining(true);
            loss(model).backward();
            double s = config.scale();
            for (String n : List.of(q, down)) {
                Tensor[] t = lora.get(n);
                Tensor g = model.namedWeights().get(n + ".weight").grad();                       // (out, in)
                assertClose(g.matmul(t[0].t()).mul(new Scalar(s)), t[3], n + " dL/dB");
                assertClose(t[1].t().matmul(g).mul(new Scalar(s)), t[2], n + " dL/dA");
            }
        }
    }

    private static Tensor loss(LlamaModel m) {
        long[] ids = {1, 300, 301, 302, 303, 304};
        Tensor logits = m.forward(Tensor.create(ids, 1, 6), Tensors.positions(1, 6), null, null);           // (1, 6, V)
        return cross_entropy(logits.narrow(1, 0, 5).reshape(-1, logits.size(2)), Tensor.create(ids, 1, 6).narrow(1, 1, 5).reshape(-1));
    }

    private static void assertClose(Tensor want, Tensor got, String what) {
        double scale = want.abs().max().item_double(), diff = want.sub(got).abs().max().item_double();
        assertTrue(scale > 1e-6, what + " should not vanish: max " + scale);
        assertTrue(diff <= 1e-9 * scale, what + ": max |difference| " + diff + " against max " + scale);
    }

    @Test
    void prepareForTrainingOwnsWeightsKeepsValuesAndSetsRequiresGrad() throws IOException {
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            float[] before = logits(model);
            model.prepareForTraining(true);
            assertArrayEquals(before, logits(model), 0f);
            model.namedWeights().values().forEach(t -> assertTrue(t.requires_grad()));
            model.prepareForTraining(false);
            model.namedWeights().values().forEach(t -> assertTrue(!t.requires_grad()));
        }
    }

    @Test
    void loadRefusesNonLoraConfigAndUnknownTarget() throws IOException {
        Files.writeString(tmp.resolve("adapter_config.json"), "{\"peft_type\": \"IA3\"}");
        try (LlamaModel model = LlamaModel.random(LlamaConfig.of(32, 16, 1, 2, 1, 32, true), 1, DType.FLOAT32, ComputeDevice.CPU)) {
            var e = assertThrows(IOException.class, () -> LoraAdapter.load(model, tmp));
            assertEquals(tmp.resolve("adapter_config.json") + ": peft_type must be \"LORA\", got \"IA3\"", e.getMessage());
            Files.writeString(tmp.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 4, \"target_modules\": [\"qproj\"]}");
            e = assertThrows(IOException.class, () -> LoraAdapter.load(model, tmp));
            assertTrue(e.getMessage().endsWith("target module \"qproj\" is not a Llama linear layer; known: "
                    + LoraConfig.KNOWN_MODULES), e.getMessage());
        }
    }

    /** rsLoRA scales by alpha / sqrt(r): the same tensors under use_rslora and alpha 8 act like plain LoRA with alpha 8 * sqrt(4) = 16. */
    @Test
    void rsloraScalesByAlphaOverSqrtR() throws IOException {
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            try (LoraAdapter a = LoraAdapter.attach(model, new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj")), 3)) {
                try (NoGradGuard ng = new NoGradGuard()) {
                    a.tensors().forEach((name, t) -> { if (name.contains("lora_B")) t.uniform_(-0.5, 0.5, new org.bytedeco.pytorch.GeneratorOptional()); });
                }
                a.save(tmp.resolve("plain"), "stories260k");
            }
            Files.createDirectories(tmp.resolve("rs"));
            Files.copy(tmp.resolve("plain/adapter_model.safetensors"), tmp.resolve("rs/adapter_model.safetensors"));
            var cfg = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(tmp.resolve("plain/adapter_config.json").toFile());
            assertEquals(false, cfg.get("use_rslora").asBoolean(true), "saved adapters state plain LoRA");
            Files.writeString(tmp.resolve("rs/adapter_config.json"), cfg.put("use_rslora", true).toString());
            Files.writeString(tmp.resolve("plain/adapter_config.json"), cfg.put("use_rslora", false).put("lora_alpha", 16.0).toString());
            float[] rs, plain;
            try (LoraAdapter a = LoraAdapter.load(model, tmp.resolve("rs"))) {
                assertEquals(4.0, a.config().scale(), 0.0);   // 8 / sqrt(4)
                rs = logits(model);
            }
            try (LoraAdapter a = LoraAdapter.load(model, tmp.resolve("plain"))) {
                assertEquals(4.0, a.config().scale(), 0.0);   // 16 / 4
                plain = logits(model);
            }
            assertArrayEquals(plain, rs, 0f);
        }
    }

    @Test
    void peftVariantsCrossgenDoesNotComputeAreRefusedByName() throws IOException {
        String lora = "\"peft_type\": \"LORA\", \"r\": 4, \"lora_alpha\": 8, \"target_modules\": [\"q_proj\"]";
        String[][] cases = {
            {"\"use_dora\": true", "use_dora true (DoRA) is not supported; crossgen applies plain LoRA"},
            {"\"alpha_pattern\": {\"q_proj\": 16}", "alpha_pattern {\"q_proj\":16} is not supported; crossgen applies one r and lora_alpha to every module"},
            {"\"rank_pattern\": {\"layers.0.self_attn.q_proj\": 8}",
                "rank_pattern {\"layers.0.self_attn.q_proj\":8} is not supported; crossgen applies one r and lora_alpha to every module"},
            {"\"layers_to_transform\": [0, 1]", "layers_to_transform [0,1] is not supported; crossgen adapts every layer"},
        };
        for (String[] c : cases) {
            Files.writeString(tmp.resolve("adapter_config.json"), "{" + lora + ", " + c[0] + "}");
            var e = assertThrows(IOException.class, () -> LoraAdapter.readConfig(tmp));
            assertEquals(tmp.resolve("adapter_config.json") + ": " + c[1], e.getMessage());
        }
        // what PEFT writes for plain LoRA: empty patterns, use_dora false
        Files.writeString(tmp.resolve("adapter_config.json"), "{" + lora + ", \"use_dora\": false, \"use_rslora\": false, "
                + "\"alpha_pattern\": {}, \"rank_pattern\": {}, \"layers_to_transform\": null}");
        assertEquals(new LoraConfig(4, 8, 0, List.of("q_proj")), LoraAdapter.readConfig(tmp));
    }
}
