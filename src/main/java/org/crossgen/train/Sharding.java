package org.crossgen.train;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What data-parallel ranks split between them (ZeRO, Rajbhandari et al. 2020, as DeepSpeed
 * numbers its stages). Every stage computes the same update; they differ in memory and traffic.
 */
public enum Sharding {
    /** Stage 0, plain data parallelism (DDP): gradients all-reduced, every rank holds all optimizer state. */
    NONE(0, "none"),
    /** Stage 1: each rank holds 1/N of the fp32 master weights and AdamW state; gradients all-reduced. */
    OPTIMIZER(1, "optimizer"),
    /** Stage 2: as stage 1, and gradients are reduce-scattered (each rank receives only its 1/N). */
    GRADIENTS(2, "gradients");

    public final int stage;
    private final String word;

    Sharding(int stage, String word) {
        this.stage = stage;
        this.word = word;
    }

    @JsonValue
    public int stage() {
        return stage;
    }

    public boolean sharded() {
        return this != NONE;
    }

    /** {@code 0|none}, {@code 1|optimizer}, {@code 2|gradients}; anything else is an error naming {@code option}. */
    public static Sharding parse(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Sharding s : values()) {
            if (v.equals(Integer.toString(s.stage)) || v.equals(s.word)) return s;
        }
        throw new IllegalArgumentException(option + " " + value + ": expected 0|none, 1|optimizer or 2|gradients "
                + "(ZeRO stage 3, sharding the weights themselves, is not implemented)");
    }
}
