package org.crossgen.metrics;

/**
 * A point estimate with a two-sided confidence interval.
 *
 * @param estimate the statistic on the full sample
 * @param lower    lower bound, {@code <= upper}
 * @param upper    upper bound
 * @param level    coverage in (0, 1), e.g. 0.95
 */
public record ConfidenceInterval(double estimate, double lower, double upper, double level) {
    public ConfidenceInterval {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        if (!(lower <= upper)) {
            throw new IllegalArgumentException("lower must be <= upper, got [" + lower + ", " + upper + "]");
        }
    }
}
