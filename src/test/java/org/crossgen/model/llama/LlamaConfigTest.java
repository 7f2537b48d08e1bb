package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json of the supported families, read the way transformers reads them. */
class LlamaConfigTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void qwen2HasBiasOnQkvButNotOnO() throws Exception {
        LlamaConfig c = LlamaConfig.fromJson(json("""
                {"model_type": "qwen2", "vocab_size": 64, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "rope_theta": 1000000.0, "tie_word_embeddings": true}"""));
        assertTrue(c.qkvBias());
        assertFalse(c.oBias());
        assertTrue(LlamaModel.expectedShapes(c).containsKey("model.layers.0.self_attn.k_proj.bias"));
        assertFalse(LlamaModel.expectedShapes(c).containsKey("model.layers.0.self_attn.o_proj.bias"));
        // a Qwen2-shaped model saves, loads and runs with its biases
        try (LlamaModel m = LlamaModel.random(c, 1, DType.FLOAT32, ComputeDevice.CPU)) {
            m.save(tmp.resolve("q"));
        }
        try (LlamaModel m = LlamaModel.load(tmp.resolve("q"), DType.FLOAT32, ComputeDevice.CPU);
             NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor logits = m.forward(Tensor.create(new long[] {1, 5, 9}, 1, 3), Tensors.positions(1, 3), null, null);
            assertEquals(64, logits.size(2));
        }
    }

    @Test
    void mistralAndLlamaDefaults() throws Exception {
        LlamaConfig m = LlamaConfig.fromJson(json("""
                {"model_type": "mistral", "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336,
                 "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "sliding_window": 4096,
                 "eos_token_id": 2, "bos_token_id": 1}"""));
        assertEquals(128, m.headDim());
        assertEquals(4, m.kvGroups());
        assertFalse(m.tieWordEmbeddings());               // transformers' default
        assertEquals(10000.0, m.ropeTheta());
        LlamaConfig l3 = LlamaConfig.fromJson(json("""
                {"model_type": "llama", "vocab_size": 128256, "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64, "eos_token_id": [128001, 128008, 128009]}"""));
        assertEquals(64, l3.headDim());
        assertEquals(java.util.List.of(128001, 128008, 128009), l3.eosTokenIds());
    }

    /**
     * Llama 3's rope_scaling: expected inverse frequencies computed in Python (float64) with the
     * formula of transformers' _compute_llama3_parameters for theta 500000, head_dim 128, factor 8,
     * low 1, high 4, original 8192. Index 20 is kept, 45 divided by 8, 31 in the smoothed band.
     */
    @Test
    void llama3RopeScalingMatchesTransformersFormula() {
        RopeScaling s = new RopeScaling(8, 1, 4, 8192);
        assertEquals(0.016560440080994446, s.apply(0.016560440080994446), 1e-15);
        assertEquals(1.2297638677963614e-05, s.apply(9.838110942370891e-05), 1e-17);
        assertEquals(0.0008567514129196321, s.apply(0.0017360467021768655), 1e-15);
    }

    @Test
    void unsupportedFamiliesAndActivationsAreNamed() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromJson(json("""
                {"model_type": "gpt2", "vocab_size": 8, "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2}""")));
        assertEquals("model_type \"gpt2\" is not supported; known: [llama, mistral, qwen2]", e.getMessage());
        var a = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromJson(json("""
                {"vocab_size": 8, "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "hidden_act": "gelu"}""")));
        assertEquals("field 'hidden_act': only silu is supported, got gelu", a.getMessage());
    }

    static final String LLAMA3_SHAPE = "\"model_type\": \"llama\", \"vocab_size\": 64, \"hidden_size\": 32, \"intermediate_size\": 64, "
            + "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"max_position_embeddings\": 131072, "
            + "\"torch_dtype\": \"float32\"";

    /** transformers v5 moves rope_theta and rope_scaling into rope_parameters; both layouts are the same model. */
    @Test
    void transformersV5RopeParametersReadLikeV4TopLevelKeys() throws Exception {
        LlamaConfig v4 = LlamaConfig.fromJson(json("{" + LLAMA3_SHAPE + """
                , "rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
                   "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}"""));
        LlamaConfig v5 = LlamaConfig.fromJson(json("{" + LLAMA3_SHAPE + """
                , "rope_parameters": {"rope_theta": 500000.0, "rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
                   "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}"""));
        assertEquals(500000.0, v5.ropeTheta());
        assertEquals(new RopeScaling(32, 1, 4, 8192), v5.ropeScaling());
        assertEquals(v4.ropeScaling(), v5.ropeScaling());
        LlamaConfig plain = LlamaConfig.fromJson(json("{" + LLAMA3_SHAPE + ", \"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}}"));
        assertEquals(1000000.0, plain.ropeTheta());
        assertEquals(null, plain.ropeScaling());
        // the same weights under either config compute the same logits, and theta matters (it is not silently 10000)
        try (LlamaModel m = LlamaModel.random(v4, 3, DType.FLOAT32, ComputeDevice.CPU)) {
            m.save(tmp.resolve("v4"));
        }
        java.nio.file.Files.createDirectories(tmp.resolve("v5"));
        for (String f : new String[] {"model.safetensors"}) java.nio.file.Files.copy(tmp.resolve("v4").resolve(f), tmp.resolve("v5").resolve(f));
        java.nio.file.Files.writeString(tmp.resolve("v5/config.json"), v5.json().toString());
        java.nio.file.Files.createDirectories(tmp.resolve("theta10k"));
        java.nio.file.Files.copy(tmp.resolve("v4/model.safetensors"), tmp.resolve("theta10k/model.safetensors"));
        java.nio.file.Files.writeString(tmp.resolve("theta10k/config.json"), "{" + LLAMA3_SHAPE + "}");
        float[] a = longLogits(tmp.resolve("v4")), b = longLogits(tmp.resolve("v5")), c = longLogits(tmp.resolve("theta10k"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0f);
        float worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - c[i]));
        assertTrue(worst > 1e-5, "equal to 0 above; theta 500000 + llama3 scaling vs theta 10000 differ, max |diff| " + worst);
    }

    private static float[] longLogits(Path dir) throws java.io.IOException {
        try (LlamaModel m = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            long[] ids = new long[48];
            for (int i = 0; i < ids.length; i++) ids[i] = (i * 7) % 64;
            return Tensors.toFloats(m.forward(Tensor.create(ids, 1, ids.length), Tensors.positions(1, ids.length), null, null));
        }
    }

    @Test
    void ropeAndAttentionSettingsCrossgenDoesNotComputeAreRefusedByName() throws Exception {
        String[][] cases = {
            {"\"rope_parameters\": {\"rope_theta\": 10000.0, \"rope_type\": \"yarn\", \"factor\": 4.0}",
                "field 'rope_parameters': rope_type \"yarn\" is not supported; known: [default, llama3]"},
            {"\"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0}",
                "field 'rope_scaling': rope_type \"dynamic\" is not supported; known: [default, llama3]"},
            {"\"rope_parameters\": {\"rope_theta\": 10000.0, \"rope_type\": \"default\", \"partial_rotary_factor\": 0.5}",
                "field 'rope_parameters.partial_rotary_factor' 0.5 is not supported: crossgen rotates every dimension of a head"},
            {"\"rope_parameters\": {\"full_attention\": {\"rope_theta\": 1e6}, \"sliding_attention\": {\"rope_theta\": 1e4}}",
                "field 'rope_parameters': per-layer-type settings [full_attention, sliding_attention] are not supported "
                        + "(crossgen's layers all use full attention with one RoPE)"},
            {"\"rope_theta\": 10000.0, \"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"default\"}",
                "fields 'rope_theta' (10000.0) and 'rope_parameters.rope_theta' (500000.0) disagree"},
            {"\"use_sliding_window\": true, \"sliding_window\": 4096",
                "field 'use_sliding_window' true is not supported: crossgen computes full attention in every layer"},
            {"\"layer_types\": [\"full_attention\", \"sliding_attention\"]",
                "field 'layer_types': \"sliding_attention\" layers are not supported; known: [full_attention]"},
            {"\"attention_dropout\": 0.1", "field 'attention_dropout' 0.1 is not supported (crossgen has no attention dropout)"},
        };
        for (String[] c : cases) {
            var e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.fromJson(json("{" + LLAMA3_SHAPE + ", " + c[0] + "}")));
            assertEquals(c[1], e.getMessage());
        }
        // what Qwen2.5 and Llama configs say when they use none of it
        LlamaConfig.fromJson(json("{" + LLAMA3_SHAPE + ", \"use_sliding_window\": false, \"sliding_window\": 131072, "
                + "\"layer_types\": [\"full_attention\", \"full_attention\"], \"attention_dropout\": 0.0}"));
    }

    @Test
    void savedConfigsStateTheSavedDtypeUnderBothKeys() throws Exception {
        LlamaConfig base = LlamaConfig.fromJson(json("{" + LLAMA3_SHAPE.replace("\"torch_dtype\": \"float32\"", "\"dtype\": \"bfloat16\"") + "}"));
        assertEquals(DType.BFLOAT16, base.torchDtype(), "v5's dtype is read");
        ObjectNode saved = base.toJson(DType.FLOAT32);
        assertEquals("float32", saved.get("dtype").asText());
        assertEquals("float32", saved.get("torch_dtype").asText());
    }
}
