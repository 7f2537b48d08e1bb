package org.crossgen.metrics;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a classifier predicted and what its records hold, so a reader can tell skill from the label
 * prior: a model that answers one label for every record scores that label's share of the records,
 * and that can look like skill. Computed from one evaluation's records and stored with its result
 * row; the report marks {@link #degenerate()} cells and prints the two baselines beside accuracy,
 * and how well the label scores rank the records ({@link ScoreRanking}), which tells a prior that
 * outweighs a signal from no signal at all.
 *
 * @param predicted        predictions per label: the task's labels in order (0 when never predicted),
 *                         then any other predicted string
 * @param reference        records per gold label: the task's labels in order, then others (the
 *                         unlabelled "-" among them)
 * @param majorityAccuracy accuracy of always answering the most frequent gold label of the records
 * @param chanceAccuracy   expected accuracy of answering one of the task's labels uniformly at
 *                         random: (records with one of the labels) / (records × labels)
 * @param scoreAuc         {@link ScoreRanking#macroAuc} of the records' label scores; NaN when unknown
 *                         (no scores recorded, or results written before crossgen computed it)
 */
public record LabelDistribution(Map<String, Integer> predicted, Map<String, Integer> reference, double majorityAccuracy,
                                double chanceAccuracy, double scoreAuc) {
    /** A cell is degenerate when one label takes more than this share of its predictions. */
    public static final double DEGENERATE_SHARE = 0.95;

    public LabelDistribution {
        predicted = Collections.unmodifiableMap(new LinkedHashMap<>(predicted));
        reference = Collections.unmodifiableMap(new LinkedHashMap<>(reference));
    }

    /**
     * The distribution of one evaluation. {@code gold} and {@code predicted} are aligned per record;
     * a gold value outside {@code labels} (the unlabelled "-") never counts as a label's record.
     */
    public static LabelDistribution of(Collection<String> labels, List<String> gold, List<String> predicted) {
        return of(labels, gold, predicted, null);
    }

    /**
     * As {@link #of(Collection, List, List)}, with the records' label scores ranked ({@link #scoreAuc});
     * {@code scores} null or empty: not ranked.
     */
    public static LabelDistribution of(Collection<String> labels, List<String> gold, List<String> predicted,
                                       List<Map<String, Double>> scores) {
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException("gold and predicted differ in length: " + gold.size() + " vs " + predicted.size());
        }
        if (labels.isEmpty()) throw new IllegalArgumentException("a label distribution needs at least one label");
        Map<String, Integer> pred = counts(labels, predicted), ref = counts(labels, gold);
        int n = gold.size(), majority = 0, labelled = 0;
        for (String label : labels) {
            majority = Math.max(majority, ref.get(label));
            labelled += ref.get(label);
        }
        return new LabelDistribution(pred, ref, n == 0 ? Double.NaN : (double) majority / n,
                n == 0 ? Double.NaN : (double) labelled / ((double) n * labels.size()),
                scores == null || scores.isEmpty() ? Double.NaN : ScoreRanking.macroAuc(labels, gold, scores));
    }

    private static Map<String, Integer> counts(Collection<String> labels, List<String> values) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String label : labels) out.put(label, 0);
        for (String v : values) out.merge(v, 1, Integer::sum);
        return out;
    }

    /** Predictions counted. */
    public int predictions() {
        return predicted.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The most often predicted label (the first of the task's order on a tie); "" without predictions. */
    public String dominantLabel() {
        String best = "";
        int most = 0;
        for (Map.Entry<String, Integer> e : predicted.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    /** Share of predictions taken by {@link #dominantLabel()}, in [0, 1]; NaN without predictions. */
    public double dominantShare() {
        int n = predictions();
        return n == 0 ? Double.NaN : (double) predicted.getOrDefault(dominantLabel(), 0) / n;
    }

    /** Does one label take more than {@link #DEGENERATE_SHARE} of the predictions? */
    public boolean degenerate() {
        return dominantShare() > DEGENERATE_SHARE;
    }

    /**
     * Predictions of several evaluations pooled (e.g. the seeds of one cell); the baselines of the
     * first; the mean of their score AUCs (NaN when one is unknown).
     */
    public static LabelDistribution pooled(List<LabelDistribution> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("nothing to pool");
        Map<String, Integer> pred = new LinkedHashMap<>(), ref = new LinkedHashMap<>();
        for (LabelDistribution d : parts) {
            d.predicted.forEach((k, v) -> pred.merge(k, v, Integer::sum));
            d.reference.forEach((k, v) -> ref.merge(k, v, Integer::sum));
        }
        double auc = parts.stream().mapToDouble(LabelDistribution::scoreAuc).average().orElse(Double.NaN);
        return new LabelDistribution(pred, ref, parts.get(0).majorityAccuracy, parts.get(0).chanceAccuracy, auc);
    }
}
