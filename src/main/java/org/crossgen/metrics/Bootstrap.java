package org.crossgen.metrics;

import java.util.Arrays;
import java.util.Random;

/**
 * Percentile-bootstrap confidence intervals for a corpus mean (per-example scores: ROUGE F,
 * correctness 0/1, ...). Deterministic given the seed: resampling uses {@link java.util.Random},
 * whose sequence the Java specification fixes, so a seed gives the same interval on every JVM.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /**
     * The mean of {@code values} with a percentile-bootstrap interval: {@code resamples} times,
     * draw {@code values.length} values with replacement and take their mean; the bounds are the
     * (1 − level)/2 and (1 + level)/2 quantiles of those means, interpolated linearly between order
     * statistics (NumPy's default {@code quantile}).
     *
     * @param values    one score per example; at least one
     * @param level     coverage in (0, 1), e.g. 0.95
     * @param resamples number of bootstrap samples; at least 1 (1000 or more for a 95% interval)
     * @param seed      seeds the resampling; same seed, same interval
     */
    public static ConfidenceInterval meanInterval(double[] values, double level, int resamples, long seed) {
        if (values.length == 0) throw new IllegalArgumentException("no values to bootstrap");
        if (resamples < 1) throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        Random random = new Random(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sum = 0;
            for (int i = 0; i < values.length; i++) sum += values[random.nextInt(values.length)];
            means[b] = sum / values.length;
        }
        Arrays.sort(means);
        return new ConfidenceInterval(mean(values),
                quantile(means, (1 - level) / 2), quantile(means, (1 + level) / 2), level);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }

    /** Linear interpolation between the order statistics of {@code sorted} at position q·(n − 1). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
