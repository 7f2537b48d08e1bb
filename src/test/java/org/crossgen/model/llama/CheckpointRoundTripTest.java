package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.CheckpointFiles;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.SafetensorsReader;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointRoundTripTest {
    @TempDir Path tmp;

    static boolean bitEqual(Tensor a, Tensor b) {
        try (NativeScope s = NativeScope.open()) {
            return a.scalar_type().intern() == b.scalar_type().intern() && a.equal(b);
        }
    }

    @Test
    void saveThenLoadIsBitExact() throws IOException {
        try (LlamaModel a = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            a.save(tmp.resolve("out"));
            try (LlamaModel b = LlamaModel.load(tmp.resolve("out"), DType.FLOAT32, ComputeDevice.CPU)) {
                for (Map.Entry<String, Tensor> e : a.namedWeights().entrySet()) {
                    assertTrue(bitEqual(e.getValue(), b.namedWeights().get(e.getKey())), e.getKey());
                }
            }
            // the file itself: same names and bytes as the original export, tied head not duplicated
            try (SafetensorsReader orig = SafetensorsReader.open(TestResources.stories260k().resolve("model.safetensors"));
                 SafetensorsReader saved = SafetensorsReader.open(tmp.resolve("out/model.safetensors"))) {
                assertEquals(orig.infos().keySet(), saved.infos().keySet());
                assertFalse(saved.infos().containsKey("lm_head.weight"));
                assertEquals("pt", saved.metadata().get("format"));
            }
        }
    }

    @Test
    void savedConfigKeepsTransformersKeys() throws IOException {
        try (LlamaModel a = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            a.save(tmp.resolve("out"), DType.BFLOAT16, LlamaModel.DEFAULT_MAX_SHARD_BYTES);
        }
        JsonNode cfg = new ObjectMapper().readTree(tmp.resolve("out/config.json").toFile());
        assertEquals("LlamaForCausalLM", cfg.get("architectures").get(0).asText());
        assertEquals("bfloat16", cfg.get("torch_dtype").asText());
        assertEquals(4, cfg.get("num_key_value_heads").asInt());
        assertTrue(cfg.get("tie_word_embeddings").asBoolean());
    }

    @Test
    void shardedCheckpointLoadsToTheSameWeights() throws IOException {
        Path dir = tmp.resolve("sharded");
        try (LlamaModel a = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            a.save(dir, DType.FLOAT32, 100_000); // ~1 MB of weights -> about 11 shards
            assertFalse(Files.exists(dir.resolve(CheckpointFiles.SINGLE)));
            JsonNode index = new ObjectMapper().readTree(dir.resolve(CheckpointFiles.INDEX).toFile());
            assertEquals("model-00001-of-00011.safetensors", index.get("weight_map").get("model.embed_tokens.weight").asText());
            try (LlamaModel b = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU)) {
                for (Map.Entry<String, Tensor> e : a.namedWeights().entrySet()) {
                    assertTrue(bitEqual(e.getValue(), b.namedWeights().get(e.getKey())), e.getKey());
                }
            }
        }
    }

    @Test
    void bf16WeightsLoadAndRoundTrip() throws IOException {
        Path dir = tmp.resolve("bf16");
        try (LlamaModel a = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            a.save(dir, DType.BFLOAT16, LlamaModel.DEFAULT_MAX_SHARD_BYTES);
            try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("model.safetensors"))) {
                assertEquals("BF16", r.infos().get("model.norm.weight").dtype());
            }
            try (LlamaModel b = LlamaModel.load(dir, DType.BFLOAT16, ComputeDevice.CPU);
                 LlamaModel c = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU);
                 NativeScope s = NativeScope.open()) {
                Tensor w = a.namedWeights().get("model.layers.2.mlp.up_proj.weight");
                // bf16 -> f32 is exact, so loading bf16 as f32 gives the bf16-rounded original
                assertTrue(bitEqual(w.to(DType.BFLOAT16.scalarType), b.namedWeights().get("model.layers.2.mlp.up_proj.weight")));
                assertTrue(bitEqual(w.to(DType.BFLOAT16.scalarType).to(DType.FLOAT32.scalarType),
                        c.namedWeights().get("model.layers.2.mlp.up_proj.weight")));
            }
        }
    }

    @Test
    void pickleOnlyFolderIsRefusedWithAReason() throws IOException {
        Path dir = tmp.resolve("pickle");
        Files.createDirectories(dir);
        Files.copy(TestResources.stories260k().resolve("config.json"), dir.resolve("config.json"));
        Files.writeString(dir.resolve("pytorch_model.bin"), "not really a pickle");
        IOException e = assertThrows(IOException.class, () -> LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU));
        assertTrue(e.getMessage().contains("never unpickles") && e.getMessage().contains("pytorch_model.bin"), e.getMessage());
    }

    @Test
    void wrongShapeNamesTheWeight() throws IOException {
        Path dir = tmp.resolve("bad");
        try (LlamaModel a = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU)) {
            a.save(dir);
        }
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\" : 172", "\"intermediate_size\" : 170"));
        IOException e = assertThrows(IOException.class, () -> LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight has shape [172, 64]"), e.getMessage());
    }
}
