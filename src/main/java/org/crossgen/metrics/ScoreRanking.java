package org.crossgen.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How well a classifier's label scores rank the records, whatever label wins the argmax: for each
 * label, the chance that a record of that label gets a higher margin (its score minus the best other
 * label's) than a record of another label (the one-vs-rest ROC AUC; ties count half), averaged over
 * the labels. 0.5 is no better than chance. A classifier that answers one label for every record can
 * still rank well (its scores carry the signal, a prior outweighs it) or at chance (no signal at all);
 * accuracy cannot tell the two apart.
 */
public final class ScoreRanking {
    private ScoreRanking() {}

    /**
     * The macro one-vs-rest AUC of {@code scores} (per record, a score per label; higher is likelier)
     * against {@code gold}. Records whose gold value is not one of {@code labels} (the unlabelled "-")
     * are left out, as are labels with no records on one side; NaN when no label is left.
     *
     * @throws IllegalArgumentException when the lists differ in length or a record lacks a label's score
     */
    public static double macroAuc(Collection<String> labels, List<String> gold, List<Map<String, Double>> scores) {
        if (gold.size() != scores.size()) {
            throw new IllegalArgumentException("gold and scores differ in length: " + gold.size() + " vs " + scores.size());
        }
        List<String> ls = List.copyOf(labels);
        if (ls.size() < 2) return Double.NaN;
        double sum = 0;
        int counted = 0;
        for (String label : ls) {
            List<Double> positive = new ArrayList<>(), negative = new ArrayList<>();
            for (int i = 0; i < gold.size(); i++) {
                if (!ls.contains(gold.get(i))) continue;
                double margin = margin(scores.get(i), label, ls, i);
                (gold.get(i).equals(label) ? positive : negative).add(margin);
            }
            if (positive.isEmpty() || negative.isEmpty()) continue;
            sum += auc(positive, negative);
            counted++;
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    private static double margin(Map<String, Double> scores, String label, List<String> labels, int record) {
        double best = Double.NEGATIVE_INFINITY;
        for (String other : labels) if (!other.equals(label)) best = Math.max(best, score(scores, other, record));
        return score(scores, label, record) - best;
    }

    private static double score(Map<String, Double> scores, String label, int record) {
        Double s = scores == null ? null : scores.get(label);
        if (s == null) throw new IllegalArgumentException("record " + record + " has no score for label \"" + label + "\"");
        return s;
    }

    /** P(a positive's value > a negative's) + P(equal) / 2, from the ranks of the pooled values (Mann-Whitney U). */
    static double auc(List<Double> positive, List<Double> negative) {
        int n = positive.size() + negative.size();
        double[] values = new double[n];
        boolean[] isPositive = new boolean[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            boolean p = i < positive.size();
            values[i] = p ? positive.get(i) : negative.get(i - positive.size());
            isPositive[i] = p;
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double positiveRanks = 0;
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && Double.compare(values[order[j]], values[order[i]]) == 0) j++;
            double meanRank = (i + 1 + j) / 2.0;              // ranks i+1..j share their mean
            for (int k = i; k < j; k++) if (isPositive[order[k]]) positiveRanks += meanRank;
            i = j;
        }
        double np = positive.size(), nn = negative.size();
        return (positiveRanks - np * (np + 1) / 2) / (np * nn);
    }
}
