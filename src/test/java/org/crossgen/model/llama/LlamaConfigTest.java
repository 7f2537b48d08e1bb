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
}
