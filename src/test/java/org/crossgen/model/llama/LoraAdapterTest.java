package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
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
}
