package org.crossgen.model.llama;

import java.util.List;

/**
 * A LoRA adapter's shape: rank {@code r}, scaling {@code alpha / r} (rank-stabilised LoRA:
 * {@code alpha / sqrt(r)}), dropout on the adapter input, and the linear layers it wraps, named by
 * their last component ({@code q_proj}, {@code v_proj}, ... as PEFT's {@code target_modules} matches them).
 *
 * @param r             rank, >= 1
 * @param alpha         PEFT's {@code lora_alpha}; the update is scaled by {@link #scale}
 * @param dropout       probability in [0, 1) of zeroing an adapter input element while training
 * @param targetModules module names such as {@code q_proj}; at least one
 * @param rslora        PEFT's {@code use_rslora}: scale by {@code alpha / sqrt(r)} (Kalajdzievski 2023)
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, boolean rslora) {
    /** Module names a Llama-family decoder layer has. */
    public static final List<String> KNOWN_MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (r < 1) throw new IllegalArgumentException("LoRA rank r must be >= 1, got " + r);
        if (!(alpha > 0)) throw new IllegalArgumentException("lora_alpha must be > 0, got " + alpha);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        targetModules = List.copyOf(targetModules);
        if (targetModules.isEmpty()) throw new IllegalArgumentException("target_modules is empty; known: " + KNOWN_MODULES);
        for (String m : targetModules) {
            if (!KNOWN_MODULES.contains(m)) {
                throw new IllegalArgumentException("target module \"" + m + "\" is not a Llama linear layer; known: " + KNOWN_MODULES);
            }
        }
    }

    /** Plain LoRA (scale {@code alpha / r}). */
    public LoraConfig(int r, double alpha, double dropout, List<String> targetModules) {
        this(r, alpha, dropout, targetModules, false);
    }

    /** PEFT's defaults for Llama: r 8, alpha 8, no dropout, q_proj and v_proj. */
    public static LoraConfig defaults() {
        return new LoraConfig(8, 8, 0.0, List.of("q_proj", "v_proj"));
    }

    /** The factor on {@code B A x}: {@code alpha / r}, or {@code alpha / sqrt(r)} with rsLoRA (as PEFT's {@code LoraLayer.update_layer}). */
    public double scale() {
        return rslora ? alpha / Math.sqrt(r) : alpha / r;
    }
}
