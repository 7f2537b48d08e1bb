package org.crossgen.report;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.crossgen.metrics.Bootstrap;
import org.crossgen.metrics.ConfidenceInterval;

/**
 * Means over pairs (one pair: a fine-tuned model's Δ on one test set in one setting, seeds
 * averaged) with percentile-bootstrap 95% intervals that resample the pairs. One pair has no
 * spread to resample, so its own (per-cell) interval is used; none gives {@link Estimate#NONE}.
 * Fixed seed: the same rows always give the same interval.
 */
final class PairBootstrap {
    static final int RESAMPLES = 10_000;
    static final long SEED = 20240315L;
    static final double LEVEL = 0.95;

    private PairBootstrap() {}

    static Estimate mean(List<Estimate> pairs) {
        List<Estimate> known = pairs.stream().filter(Estimate::hasValue).toList();
        if (known.isEmpty()) return Estimate.NONE;
        if (known.size() == 1) return known.get(0);
        ConfidenceInterval ci = Bootstrap.meanInterval(values(known), LEVEL, RESAMPLES, SEED);
        return new Estimate(ci.estimate(), ci.lower(), ci.upper());
    }

    /** mean(a) − mean(b), resampling each group independently; NONE if a group is empty. */
    static Estimate differenceOfMeans(List<Estimate> a, List<Estimate> b) {
        double[] x = values(a.stream().filter(Estimate::hasValue).toList());
        double[] y = values(b.stream().filter(Estimate::hasValue).toList());
        if (x.length == 0 || y.length == 0) return Estimate.NONE;
        Random random = new Random(SEED);
        double[] diffs = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) diffs[r] = resampledMean(x, random) - resampledMean(y, random);
        Arrays.sort(diffs);
        return new Estimate(mean(x) - mean(y), quantile(diffs, (1 - LEVEL) / 2), quantile(diffs, (1 + LEVEL) / 2));
    }

    private static double[] values(List<Estimate> es) {
        return es.stream().mapToDouble(Estimate::value).toArray();
    }

    private static double resampledMean(double[] xs, Random random) {
        double s = 0;
        for (int i = 0; i < xs.length; i++) s += xs[random.nextInt(xs.length)];
        return s / xs.length;
    }

    private static double mean(double[] xs) {
        return Arrays.stream(xs).sum() / xs.length;
    }

    /** NumPy's default (linear) quantile of sorted values, as {@link Bootstrap} uses. */
    private static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
