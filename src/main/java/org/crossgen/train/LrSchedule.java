package org.crossgen.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * Learning-rate multipliers, as transformers' {@code get_*_schedule_with_warmup}. The optimizer
 * step with index {@code s} (0-based; the scheduler is stepped after each optimizer step) uses
 * {@code lr * factor(s, total, warmup)}; during warmup {@code factor = s / warmup}.
 */
public enum LrSchedule {
    /** Decays linearly from 1 after warmup to 0 at {@code total}. */
    LINEAR,
    /** Half a cosine from 1 after warmup to 0 at {@code total}. */
    COSINE,
    /** 1 after warmup. */
    CONSTANT;

    /** The multiplier for 0-based optimizer step {@code step} of {@code total}, in [0, 1]. */
    public double factor(long step, long total, long warmup) {
        if (step < warmup) return (double) step / Math.max(1, warmup);
        return switch (this) {
            case LINEAR -> Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup));
            case COSINE -> {
                double progress = (double) (step - warmup) / Math.max(1, total - warmup);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 2.0 * 0.5 * progress)));
            }
            case CONSTANT -> 1.0;
        };
    }

    public static LrSchedule parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown lr schedule \"" + s + "\"; known: "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT), e);
        }
    }
}
