package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Collects got-vs-want comparisons under a tolerance, so one golden test reports every failing
 * value (where, got, want) and the largest difference instead of stopping at the first.
 */
final class Mismatches {
    private record Diff(String where, double got, double want) {
        double abs() {
            return Math.abs(got - want);
        }

        @Override
        public String toString() {
            return where + ": got " + got + " want " + want + " (|diff| " + abs() + ")";
        }
    }

    private final String what;
    private final double tolerance;
    private final List<Diff> failures = new ArrayList<>();
    private Diff worst;
    private int checked;

    Mismatches(String what, double tolerance) {
        this.what = what;
        this.tolerance = tolerance;
    }

    void check(String where, double got, double want) {
        Diff d = new Diff(where, got, want);
        checked++;
        if (worst == null || d.abs() > worst.abs() || Double.isNaN(got)) worst = d;
        if (!(d.abs() <= tolerance)) failures.add(d);
    }

    /** Fails listing up to 20 mismatches; on success returns a one-line summary with the worst. */
    String assertNone() {
        String summary = what + ": " + checked + " values, tolerance " + tolerance + ", worst " + worst;
        assertTrue(failures.isEmpty(), () -> summary + "\n" + failures.size() + " over tolerance:\n"
                + failures.stream().sorted(Comparator.comparingDouble(Diff::abs).reversed()).limit(20)
                        .map(Diff::toString).collect(Collectors.joining("\n")));
        return summary;
    }
}
