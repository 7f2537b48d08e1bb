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

    public LlamaConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model_type \"" + modelType + "\" is not supported; known: " + MODEL_TYPES);
        }
        if (numHeads <= 0 || numKvHeads <= 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads + ") must be a positive multiple of "
                    + "num_key_value_heads (" + numKvHeads + ")");
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException("vocab_size, hidden_size, intermediate_size and num_hidden_layers must be positive");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    public int kvGroups() {
        return numHeads / numKvHeads;
    }

    /** Reads {@code dir/config.json}; errors name the file and the field. */
    public static LlamaConfig read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no config.json in the model folder " + dir);
        }
        if (!(root instanceof ObjectNode obj)) throw new IOException(file + ": expected a JSON object");
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
        boolean attnBias = j.path("attention_bias").asBoolean(false);
        boolean qwen = type.equals("qwen2");
        return new LlamaConfig(type,
                req(j, "vocab_size"), hidden, req(j, "intermediate_size"), req(j, "num_hidden_layers"), heads,
                j.path("num_key_value_heads").asInt(heads),
                j.hasNonNull("head_dim") ? j.get("head_dim").asInt() : hidden / heads,
                j.path("rms_norm_eps").asDouble(1e-6),
                j.path("rope_theta").asDouble(10000.0),
                ropeScaling(j.get("rope_scaling")),
                j.path("tie_word_embeddings").asBoolean(false),
                qwen || attnBias, !qwen && attnBias,
                j.path("mlp_bias").asBoolean(false),
                j.path("max_position_embeddings").asInt(2048),
                j.hasNonNull("bos_token_id") ? j.get("bos_token_id").asInt() : null,
                eosIds(j.get("eos_token_id")),
                j.hasNonNull("torch_dtype") ? DType.parse(j.get("torch_dtype").asText()) : DType.FLOAT32,
                j.deepCopy());
    }

    private static RopeScaling ropeScaling(JsonNode n) {
        if (n == null || n.isNull()) return null;
        String type = n.has("rope_type") ? n.get("rope_type").asText() : n.path("type").asText("");
        if (type.equals("default")) return null;
        if (!type.equals("llama3")) {
            throw new IllegalArgumentException("field 'rope_scaling': rope_type \"" + type + "\" is not supported; known: [llama3, default]");
        }
        return new RopeScaling(n.path("factor").asDouble(8), n.path("low_freq_factor").asDouble(1),
                n.path("high_freq_factor").asDouble(4), n.path("original_max_position_embeddings").asInt(8192));
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
        JsonNode n = j.get(field);
        if (n == null || !n.canConvertToInt()) throw new IllegalArgumentException("field '" + field + "' is missing or not an integer");
        return n.asInt();
    }

    private static String text(JsonNode j, String field, String dflt) {
        JsonNode n = j.get(field);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    /** The config.json to save: the original keys, with {@code torch_dtype} set to the saved dtype. */
    public ObjectNode toJson(DType savedAs) {
        ObjectNode out = json.deepCopy();
        out.put("torch_dtype", savedAs.torchName());
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
