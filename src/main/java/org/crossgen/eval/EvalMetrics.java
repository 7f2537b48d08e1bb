package org.crossgen.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Task;
import org.crossgen.metrics.Bootstrap;
import org.crossgen.metrics.Classification;
import org.crossgen.metrics.ConfidenceInterval;
import org.crossgen.metrics.GenerationScorer;
import org.crossgen.metrics.GenerationScores;
import org.crossgen.metrics.LabelDistribution;
import org.crossgen.metrics.RougeType;
import org.crossgen.metrics.TextPair;

/**
 * Corpus metrics of a task from predictions and references alone, so an evaluation and a later
 * re-score of its JSONL compute them the same way.
 */
public final class EvalMetrics {
    static final int BOOTSTRAP_RESAMPLES = 1000;
    /** Summary keys of a classification's {@link LabelDistribution}. */
    static final String MAJORITY = "majority_accuracy", CHANCE = "chance_accuracy", PREDICTED = "predicted_labels",
            REFERENCE = "reference_labels", SCORE_AUC = "label_score_auc";

    private EvalMetrics() {}

    /**
     * Classification: accuracy (records labelled "-" count as wrong, as in the paper), macro-F1
     * over the task's labels, a 95% bootstrap interval of accuracy, and the records' label
     * distribution ({@link LabelDistribution}: majority-class and chance accuracy, predictions and
     * gold labels per label, and how well the label scores rank the records where every record has them).
     * Generation: ROUGE-L (and 1/2/Lsum) mean F in [0, 1], corpus BLEU and chrF (0–100), and a
     * 95% bootstrap interval of mean ROUGE-L.
     */
    public static Map<String, Object> compute(Task task, List<RecordResult> records, boolean stemmer, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> gold = records.stream().map(RecordResult::reference).toList();
        List<String> pred = records.stream().map(RecordResult::prediction).toList();
        if (task.isClassification()) {
            double[] correct = new double[records.size()];
            for (int i = 0; i < correct.length; i++) correct[i] = gold.get(i).equals(pred.get(i)) ? 1 : 0;
            m.put("accuracy", Classification.accuracy(gold, pred));
            m.put("macro_f1", Classification.macroF1(gold, pred, task.labels()));
            m.put("accuracy_ci95", interval(correct, seed));
            List<Map<String, Double>> scores = records.stream().map(RecordResult::labelScores).toList();
            boolean scored = scores.stream().allMatch(s -> s != null && s.keySet().containsAll(task.labels()));
            LabelDistribution labels = LabelDistribution.of(task.labels(), gold, pred, scored ? scores : null);
            m.put(MAJORITY, labels.majorityAccuracy());
            m.put(CHANCE, labels.chanceAccuracy());
            m.put(PREDICTED, labels.predicted());
            m.put(REFERENCE, labels.reference());
            if (Double.isFinite(labels.scoreAuc())) m.put(SCORE_AUC, labels.scoreAuc());
        } else {
            GenerationScores s = new GenerationScorer(stemmer).score(
                    records.stream().map(r -> new TextPair(r.reference(), r.prediction())).toList());
            m.put("rougeL", s.meanRougeF().get(RougeType.ROUGE_L));
            m.put("rouge1", s.meanRougeF().get(RougeType.ROUGE1));
            m.put("rouge2", s.meanRougeF().get(RougeType.ROUGE2));
            m.put("rougeLsum", s.meanRougeF().get(RougeType.ROUGE_LSUM));
            m.put("bleu", s.bleu().score());
            m.put("chrf", s.chrf().score());
            m.put("bleu_signature", s.bleu().signature());
            m.put("rougeL_ci95", interval(s.pairs().stream().mapToDouble(p -> p.rougeL()).toArray(), seed));
        }
        return m;
    }

    /**
     * The label distribution in a summary's {@code metrics} object, as {@link #compute} wrote it;
     * null for a generation task or a summary written before crossgen recorded it.
     */
    public static LabelDistribution labels(JsonNode metrics) {
        if (metrics == null || !metrics.path(PREDICTED).isObject() || !metrics.path(REFERENCE).isObject()) return null;
        return new LabelDistribution(counts(metrics.get(PREDICTED)), counts(metrics.get(REFERENCE)),
                metrics.path(MAJORITY).asDouble(Double.NaN), metrics.path(CHANCE).asDouble(Double.NaN),
                metrics.path(SCORE_AUC).asDouble(Double.NaN));
    }

    private static Map<String, Integer> counts(JsonNode object) {
        Map<String, Integer> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }

    private static Map<String, Double> interval(double[] values, long seed) {
        ConfidenceInterval ci = Bootstrap.meanInterval(values, 0.95, BOOTSTRAP_RESAMPLES, seed);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("lower", ci.lower());
        m.put("upper", ci.upper());
        return m;
    }
}
