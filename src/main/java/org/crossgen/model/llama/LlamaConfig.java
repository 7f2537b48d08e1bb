package org.crossgen.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.crossgen.files.InputFiles;
import org.crossgen.tensor.DType;

/**
 * The fields of a Hugging Face {@code config.json} that the Llama-family decoder needs, with
 * transformers' defaults. The whole JSON is kept ({@link #json}) so a saved checkpoint carries the
 * keys crossgen does not read.
 *
 * <p>Covers {@code llama} (Llama 2/3, SmolLM, TinyLlama), {@code mistral} (full attention: the
 * sliding window only matters beyond its 4096-token length, longer than crossgen's prompts) and
 * {@code qwen2} (bias on q/k/v projections).
 */
public record LlamaConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean oBias,
        boolean mlpBias,
        int maxPositions,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        DType torchDtype,
        ObjectNode json) {

    public static final List<String> MODEL_TYPES = List.of("llama", "mistral", "qwen2");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2^24 positions; Llama 4 Scout, the longest-context open model, has 10M. */
    static final int MAX_POSITIONS = 1 << 24;

    public LlamaConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model_type \"" + modelType + "\" is not supported; known: " + MODEL_TYPES);
        }
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", maxPositions);
        // the one size no weight checks; generation allocates by it, so it gets a bound (the longest contexts are ~10M)
        if (maxPositions > MAX_POSITIONS) {
            throw new IllegalArgumentException("field 'max_position_embeddings' must be at most " + MAX_POSITIONS + ", got " + maxPositions);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads + ") must be a multiple of "
                    + "num_key_value_heads (" + numKvHeads + ")");
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        // a negative or zero epsilon turns an all-zero hidden state into NaN logits
        if (!(rmsNormEps > 0) || Double.isInfinite(rmsNormEps)) {
            throw new IllegalArgumentException("field 'rms_norm_eps' must be a positive number, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
            throw new IllegalArgumentException("field 'rope_theta' must be a positive number, got " + ropeTheta);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void positive(String field, int value) {
        if (value <= 0) throw new IllegalArgumentException("field '" + field + "' must be a positive integer, got " + value);
    }

    public int kvGroups() {
        return numHeads / numKvHeads;
    }

    /** Reads {@code dir/config.json}; errors name the file and the field. */
    public static LlamaConfig read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no config.json in the model folder " + dir);
        ObjectNode obj = InputFiles.readJsonObject(file, "model config");
        try {
            return fromJson(obj);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a config from a config.json object. */
    public static LlamaConfig fromJson(ObjectNode j) {
        String type = text(j, "model_type", "llama").toLowerCase(Locale.ROOT);
        String act = text(j, "hidden_act", "silu");
        if (!act.equals("silu")) throw new IllegalArgumentException("field 'hidden_act': only silu is supported, got " + act);
        int hidden = req(j, "hidden_size");
        int heads = req(j, "num_attention_heads");
        int headDim = j.hasNonNull("head_dim") ? opt(j, "head_dim", 0) : heads > 0 ? hidden / heads : 0;
        boolean attnBias = j.path("attention_bias").asBoolean(false);
        boolean qwen = type.equals("qwen2");
        refuseUnsupportedAttention(j);
        RopeParameters rope = RopeParameters.fromJson(j);
        return new LlamaConfig(type,
                req(j, "vocab_size"), hidden, req(j, "intermediate_size"), req(j, "num_hidden_layers"), heads,
                opt(j, "num_key_value_heads", heads),
                headDim,
                number(j, "rms_norm_eps", 1e-6),
                rope.theta(),
                rope.scaling(),
                j.path("tie_word_embeddings").asBoolean(false),
                qwen || attnBias, !qwen && attnBias,
                j.path("mlp_bias").asBoolean(false),
                opt(j, "max_position_embeddings", 2048),
                j.hasNonNull("bos_token_id") ? j.get("bos_token_id").asInt() : null,
                eosIds(j.get("eos_token_id")),
                savedDtype(j),
                j.deepCopy());
    }

    /**
     * Attention variants of these families that crossgen's decoder does not compute, refused by name:
     * sliding-window layers (Qwen2's {@code use_sliding_window}, transformers' {@code layer_types}) and
     * attention dropout (training would differ from transformers'). Mistral's {@code sliding_window} is
     * the exception the class comment explains.
     */
    private static void refuseUnsupportedAttention(JsonNode j) {
        if (j.path("use_sliding_window").asBoolean(false)) {
            throw new IllegalArgumentException("field 'use_sliding_window' true is not supported: crossgen computes full attention in every layer");
        }
        for (JsonNode t : j.path("layer_types")) {
            if (!t.asText().equals("full_attention")) {
                throw new IllegalArgumentException("field 'layer_types': \"" + t.asText() + "\" layers are not supported; known: [full_attention]");
            }
        }
        double dropout = j.path("attention_dropout").asDouble(0);
        if (dropout != 0) throw new IllegalArgumentException("field 'attention_dropout' " + dropout + " is not supported (crossgen has no attention dropout)");
    }

    /** The dtype of the saved weights: v5's {@code dtype}, else v4's {@code torch_dtype}, else float32. */
    private static DType savedDtype(JsonNode j) {
        for (String field : List.of("dtype", "torch_dtype")) {
            if (j.hasNonNull(field)) {
                try {
                    return DType.parse(j.get(field).asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("field '" + field + "': " + e.getMessage());
                }
            }
        }
        return DType.FLOAT32;
    }

    private static List<Integer> eosIds(JsonNode n) {
        if (n == null || n.isNull()) return List.of();
        if (n.isArray()) {
            java.util.ArrayList<Integer> ids = new java.util.ArrayList<>();
            n.forEach(x -> ids.add(x.asInt()));
            return ids;
        }
        return List.of(n.asInt());
    }

    private static int req(JsonNode j, String field) {
        if (!j.hasNonNull(field)) throw new IllegalArgumentException("field '" + field + "' is missing");
        return opt(j, field, 0);
    }

    /** An integer field; fractions, strings and values beyond int are errors, not truncated. */
    private static int opt(JsonNode j, String field, int dflt) {
        JsonNode n = j.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + n);
        }
        return n.asInt();
    }

    static double number(JsonNode j, String field, double dflt) {
        JsonNode n = j.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) throw new IllegalArgumentException("field '" + field + "' must be a number, got " + n);
        return n.asDouble();
    }

    private static String text(JsonNode j, String field, String dflt) {
        JsonNode n = j.get(field);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    /**
     * The config.json to save: the original keys, with both {@code dtype} (transformers v5, which
     * {@code from_pretrained(dtype="auto")} reads) and {@code torch_dtype} (v4) set to the saved dtype,
     * so neither version loads fp32 weights as the base's bf16.
     */
    public ObjectNode toJson(DType savedAs) {
        ObjectNode out = json.deepCopy();
        out.put("torch_dtype", savedAs.torchName());
        out.put("dtype", savedAs.torchName());
        return out;
    }

    /**
     * A Llama config for a model built from scratch (tests, the default model, benchmarks).
     * Untied embeddings unless {@code tied}.
     */
    public static LlamaConfig of(int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate, boolean tied) {
        ObjectNode j = JSON.createObjectNode();
        j.putArray("architectures").add("LlamaForCausalLM");
        j.put("model_type", "llama");
        j.put("vocab_size", vocab);
        j.put("hidden_size", hidden);
        j.put("intermediate_size", intermediate);
        j.put("num_hidden_layers", layers);
        j.put("num_attention_heads", heads);
        j.put("num_key_value_heads", kvHeads);
        j.put("max_position_embeddings", 2048);
        j.put("rms_norm_eps", 1e-5);
        j.put("rope_theta", 10000.0);
        j.put("hidden_act", "silu");
        j.put("tie_word_embeddings", tied);
        j.put("bos_token_id", 1);
        j.put("eos_token_id", 2);
        j.put("torch_dtype", "float32");
        return fromJson(j);
    }
}
