package org.crossgen.bench;

import java.util.List;

/**
 * The median of repeated measurements and their range, as a shared, noisy machine needs them
 * reported (one slow outlier does not move the median; the range shows how noisy the run was).
 */
record Spread(double median, double min, double max) {
    Spread {
        if (!(min <= median && median <= max)) {
            throw new IllegalArgumentException("need min <= median <= max, got " + min + ", " + median + ", " + max);
        }
    }

    static Spread of(List<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("no measurements");
        double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        return new Spread(median, a[0], a[a.length - 1]);
    }
}
