package org.crossgen.report;

import java.util.List;
import java.util.Locale;
import org.crossgen.study.ResultRow;

/**
 * A number with a 95% interval; NaN where unknown ({@link #NONE}: not evaluated).
 *
 * <p>Intervals are combined from half-widths under a normal approximation with independent
 * errors: the mean of m estimates has half-width sqrt(Σ h_i²)/m on each side, a difference a − b
 * has lower half-width sqrt(h_a,low² + h_b,up²). The per-row intervals are the evaluation's
 * bootstrap intervals over test records, so these combined intervals describe evaluation noise,
 * not seed-to-seed variation.
 */
record Estimate(double value, double lower, double upper) {
    static final Estimate NONE = new Estimate(Double.NaN, Double.NaN, Double.NaN);

    static Estimate of(ResultRow row) {
        return new Estimate(row.value(), row.ciLower(), row.ciUpper());
    }

    boolean hasValue() {
        return !Double.isNaN(value);
    }

    boolean hasInterval() {
        return hasValue() && !Double.isNaN(lower) && !Double.isNaN(upper);
    }

    /** Does the interval lie entirely above (+1) or below (−1) zero, or span it (0)? NaN interval: 0. */
    int side() {
        if (!hasInterval()) return 0;
        return lower > 0 ? 1 : upper < 0 ? -1 : 0;
    }

    private double lowHalf() {
        return value - lower;
    }

    private double highHalf() {
        return upper - value;
    }

    /** The mean of the estimates that have a value; the interval only if all of those have one. */
    static Estimate meanOf(List<Estimate> es) {
        List<Estimate> known = es.stream().filter(Estimate::hasValue).toList();
        if (known.isEmpty()) return NONE;
        int m = known.size();
        double v = known.stream().mapToDouble(Estimate::value).sum() / m;
        if (!known.stream().allMatch(Estimate::hasInterval)) return new Estimate(v, Double.NaN, Double.NaN);
        double lo = Math.sqrt(known.stream().mapToDouble(e -> e.lowHalf() * e.lowHalf()).sum()) / m;
        double hi = Math.sqrt(known.stream().mapToDouble(e -> e.highHalf() * e.highHalf()).sum()) / m;
        return new Estimate(v, v - lo, v + hi);
    }

    /** this − other; NONE if either has no value. */
    Estimate minus(Estimate other) {
        if (!hasValue() || !other.hasValue()) return NONE;
        double v = value - other.value;
        if (!hasInterval() || !other.hasInterval()) return new Estimate(v, Double.NaN, Double.NaN);
        double lo = Math.hypot(lowHalf(), other.highHalf());
        double hi = Math.hypot(highHalf(), other.lowHalf());
        return new Estimate(v, v - lo, v + hi);
    }

    /** "0.312 [0.300, 0.325]", "0.312" without an interval, "—" without a value. */
    String format(int decimals, boolean signed) {
        if (!hasValue()) return "—";
        String s = number(value, decimals, signed);
        if (!hasInterval()) return s;
        return s + " [" + number(lower, decimals, false) + ", " + number(upper, decimals, false) + "]";
    }

    /** Fixed decimals; a value that rounds to zero prints as 0, never "-0.000". */
    private static String number(double v, int decimals, boolean signed) {
        double scale = Math.pow(10, decimals);
        double rounded = Math.round(v * scale) / scale;
        return String.format(Locale.ROOT, "%" + (signed ? "+" : "") + "." + decimals + "f", rounded == 0 ? 0.0 : rounded);
    }
}
