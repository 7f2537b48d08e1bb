package org.crossgen.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The rotary-embedding settings of a config.json, from either layout transformers writes:
 * v4's top-level {@code rope_theta} and {@code rope_scaling}, or v5's {@code rope_parameters}
 * ({@code {"rope_theta": 500000.0, "rope_type": "llama3", "factor": 8.0, ...}}). Ignoring v5's
 * layout would rotate with theta 10000: a Llama 3 saved by v5 then scores with logit errors near 1.
 * A rope type or setting crossgen does not implement is refused by name, never approximated.
 *
 * @param theta   the base of the inverse frequencies
 * @param scaling Llama 3's frequency scaling, or null for plain RoPE
 */
record RopeParameters(double theta, RopeScaling scaling) {
    static final double DEFAULT_THETA = 10000.0;
    /** The rope types crossgen implements. */
    static final List<String> TYPES = List.of("default", "llama3");

    static RopeParameters fromJson(ObjectNode config) {
        JsonNode v5 = config.get("rope_parameters");
        JsonNode legacy = config.get("rope_scaling");
        double topTheta = LlamaConfig.number(config, "rope_theta", DEFAULT_THETA);
        refusePartialRotary(config, "partial_rotary_factor");
        if (v5 == null || v5.isNull()) return new RopeParameters(topTheta, scaling(legacy, "rope_scaling"));
        if (!v5.isObject()) throw new IllegalArgumentException("field 'rope_parameters' must be an object, got " + v5);
        if (!v5.has("rope_type") && !v5.has("rope_theta") && v5.size() > 0 && v5.elements().next().isObject()) {
            throw new IllegalArgumentException("field 'rope_parameters': per-layer-type settings " + fieldNames(v5)
                    + " are not supported (crossgen's layers all use full attention with one RoPE)");
        }
        refusePartialRotary(v5, "rope_parameters.partial_rotary_factor");
        double theta = LlamaConfig.number(v5, "rope_theta", topTheta);
        if (config.hasNonNull("rope_theta") && theta != topTheta) {
            throw new IllegalArgumentException("fields 'rope_theta' (" + topTheta + ") and 'rope_parameters.rope_theta' (" + theta
                    + ") disagree");
        }
        RopeScaling scaling = scaling(v5, "rope_parameters");
        if (legacy != null && !legacy.isNull() && !java.util.Objects.equals(scaling, scaling(legacy, "rope_scaling"))) {
            throw new IllegalArgumentException("fields 'rope_scaling' and 'rope_parameters' disagree: " + legacy + " vs " + v5);
        }
        return new RopeParameters(theta, scaling);
    }

    /** Llama 3 scaling from a {@code rope_scaling} or {@code rope_parameters} object; null for the default type. */
    private static RopeScaling scaling(JsonNode n, String field) {
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw new IllegalArgumentException("field '" + field + "' must be an object, got " + n);
        String type = n.has("rope_type") ? n.get("rope_type").asText() : n.path("type").asText("default");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("field '" + field + "': rope_type \"" + type + "\" is not supported; known: " + TYPES);
        }
        if (type.equals("default")) return null;
        return new RopeScaling(n.path("factor").asDouble(8), n.path("low_freq_factor").asDouble(1),
                n.path("high_freq_factor").asDouble(4), n.path("original_max_position_embeddings").asInt(8192));
    }

    private static void refusePartialRotary(JsonNode n, String field) {
        JsonNode f = n.get("partial_rotary_factor");
        if (f != null && !f.isNull() && f.asDouble() != 1.0) {
            throw new IllegalArgumentException("field '" + field + "' " + f + " is not supported: crossgen rotates every dimension of a head");
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
