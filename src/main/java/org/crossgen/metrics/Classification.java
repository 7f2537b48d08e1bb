package org.crossgen.metrics;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Label metrics for the classification tasks (sentiment, inference, detection). Labels are
 * compared as exact strings, so an unlabelled gold record ("-") can never be predicted correctly
 * and counts as wrong, as in the paper.
 */
public final class Classification {
    private Classification() {}

    /** Fraction of positions where {@code predicted} equals {@code gold}, in [0, 1]. */
    public static double accuracy(List<String> gold, List<String> predicted) {
        checkAligned(gold, predicted);
        int correct = 0;
        for (int i = 0; i < gold.size(); i++) if (gold.get(i).equals(predicted.get(i))) correct++;
        return (double) correct / gold.size();
    }

    /**
     * Unweighted mean of per-label F1 over every label seen in {@code gold} or {@code predicted}
     * (scikit-learn's {@code f1_score(average="macro")}).
     */
    public static double macroF1(List<String> gold, List<String> predicted) {
        Set<String> labels = new LinkedHashSet<>(gold);
        labels.addAll(predicted);
        return macroF1(gold, predicted, labels);
    }

    /**
     * Unweighted mean of per-label F1 over {@code labels}. A label's F1 is 2TP / (2TP + FP + FN),
     * which is 2PR / (P + R) where defined and 0 for a label never predicted nor present.
     */
    public static double macroF1(List<String> gold, List<String> predicted, Collection<String> labels) {
        checkAligned(gold, predicted);
        if (labels.isEmpty()) throw new IllegalArgumentException("macro-F1 needs at least one label");
        Set<String> distinct = Set.copyOf(labels);
        double sum = 0;
        for (String label : distinct) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < gold.size(); i++) {
                boolean isGold = gold.get(i).equals(label);
                boolean isPredicted = predicted.get(i).equals(label);
                if (isGold && isPredicted) tp++;
                else if (isPredicted) fp++;
                else if (isGold) fn++;
            }
            int denominator = 2 * tp + fp + fn;
            sum += denominator == 0 ? 0.0 : 2.0 * tp / denominator;
        }
        return sum / distinct.size();
    }

    private static void checkAligned(List<String> gold, List<String> predicted) {
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException("need one prediction per gold label, got "
                    + gold.size() + " gold and " + predicted.size() + " predicted");
        }
        if (gold.isEmpty()) throw new IllegalArgumentException("no examples to score");
    }
}
