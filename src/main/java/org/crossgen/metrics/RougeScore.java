package org.crossgen.metrics;

/**
 * One ROUGE variant's result for one (reference, hypothesis) pair, each value in [0, 1].
 *
 * @param precision matched units / hypothesis units (0 when the hypothesis has none)
 * @param recall    matched units / reference units (0 when the reference has none)
 * @param f1        harmonic mean 2PR / (P + R), 0 when P + R = 0
 */
public record RougeScore(double precision, double recall, double f1) {
    static final RougeScore ZERO = new RougeScore(0, 0, 0);

    public RougeScore {
        checkUnit("precision", precision);
        checkUnit("recall", recall);
        checkUnit("f1", f1);
    }

    /** Precision and recall with rouge-score's F-measure: 2PR / (P + R), or 0 when both are 0. */
    static RougeScore of(double precision, double recall) {
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
        return new RougeScore(precision, recall, f1);
    }

    private static void checkUnit(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }
}
