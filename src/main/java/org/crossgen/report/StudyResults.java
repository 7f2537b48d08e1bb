package org.crossgen.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.crossgen.metrics.LabelDistribution;
import org.crossgen.study.ResultRow;

/**
 * The results of one base model, indexed for the report: cells are looked up by model, test set,
 * setting and metric, and averaged over training seeds. Tasks and test sets keep the order in
 * which the rows first name them (the study's spec order: in-domain set first).
 */
final class StudyResults {
    /** Generation tasks are scored by overlap metrics, classification tasks by accuracy. */
    enum Kind { GENERATION, CLASSIFICATION }

    private static final List<String> METRIC_ORDER = List.of("rougeL", "bleu", "accuracy");

    private record CellKey(ModelKey model, String evalDataset, Setting setting, String metric) {}

    private final String baseModel;
    private final Map<CellKey, List<ResultRow>> cells = new HashMap<>();
    private final Map<String, List<String>> testSetsByTask = new LinkedHashMap<>();
    private final Map<String, Set<String>> metricsByTask = new HashMap<>();
    private final Set<Setting> settings = new TreeSet<>(Comparator.naturalOrder());
    private final Set<ModelKey> models = new LinkedHashSet<>();
    private final Map<String, Set<Integer>> sizesByTrainSet = new HashMap<>();
    private final Map<String, LabelDistribution> testSetLabels = new HashMap<>();

    StudyResults(String baseModel, List<ResultRow> rows) {
        this.baseModel = baseModel;
        for (ResultRow r : rows) {
            if (!r.baseModel().equals(baseModel)) continue;
            ModelKey m = ModelKey.of(r);
            cells.computeIfAbsent(new CellKey(m, r.evalDataset(), Setting.of(r), r.metric()), k -> new ArrayList<>()).add(r);
            List<String> sets = testSetsByTask.computeIfAbsent(r.evalTask(), k -> new ArrayList<>());
            if (!sets.contains(r.evalDataset())) sets.add(r.evalDataset());
            metricsByTask.computeIfAbsent(r.evalTask(), k -> new LinkedHashSet<>()).add(r.metric());
            settings.add(Setting.of(r));
            models.add(m);
            if (r.labels() != null) testSetLabels.putIfAbsent(r.evalDataset(), r.labels());
            if (!m.isBase()) sizesByTrainSet.computeIfAbsent(m.trainDataset(), k -> new TreeSet<>()).add(m.trainSize());
        }
    }

    /** One {@code StudyResults} per base model named in {@code rows}, in order of appearance. */
    static Map<String, StudyResults> byBaseModel(List<ResultRow> rows) {
        Map<String, StudyResults> out = new LinkedHashMap<>();
        for (ResultRow r : rows) out.computeIfAbsent(r.baseModel(), b -> new StudyResults(b, rows));
        return out;
    }

    String baseModel() {
        return baseModel;
    }

    List<String> tasks() {
        return List.copyOf(testSetsByTask.keySet());
    }

    List<String> testSets(String task) {
        return testSetsByTask.getOrDefault(task, List.of());
    }

    /** ROUGE-L, BLEU, accuracy first (in that order), then any other metric by name. */
    List<String> metrics(String task) {
        List<String> ms = new ArrayList<>(metricsByTask.getOrDefault(task, Set.of()));
        ms.sort(Comparator.comparingInt((String m) -> METRIC_ORDER.contains(m) ? METRIC_ORDER.indexOf(m) : METRIC_ORDER.size())
                .thenComparing(Comparator.naturalOrder()));
        return ms;
    }

    /** The metric the findings use: ROUGE-L for generation, accuracy for classification; null if none. */
    String primaryMetric(String task) {
        List<String> ms = metrics(task);
        return ms.isEmpty() ? null : ms.get(0);
    }

    /** Generation if the task is scored by ROUGE-L or BLEU, classification otherwise; null for an unknown task. */
    Kind kind(String task) {
        Set<String> ms = metricsByTask.get(task);
        if (ms == null) return null;
        return ms.contains("rougeL") || ms.contains("bleu") ? Kind.GENERATION : Kind.CLASSIFICATION;
    }

    List<Setting> settings() {
        return List.copyOf(settings);
    }

    /**
     * Fine-tuned models by training task (in task order), then training set (in test-set order),
     * size, FT before FTICL, k.
     */
    List<ModelKey> fineTuned() {
        List<String> taskOrder = tasks();
        List<String> setOrder = testSetsByTask.values().stream().flatMap(List::stream).toList();
        return models.stream().filter(m -> !m.isBase())
                .sorted(Comparator.comparingInt((ModelKey m) -> orderOf(taskOrder, m.trainTask()))
                        .thenComparingInt(m -> orderOf(setOrder, m.trainDataset()))
                        .thenComparing(ModelKey::trainDataset)
                        .thenComparingInt(ModelKey::trainSize)
                        .thenComparing(ModelKey::method)
                        .thenComparingInt(ModelKey::trainShots))
                .toList();
    }

    private static int orderOf(List<String> order, String s) {
        int i = order.indexOf(s);
        return i < 0 ? order.size() : i;
    }

    List<ModelKey> fineTunedOn(String trainTask) {
        return fineTuned().stream().filter(m -> m.trainTask().equals(trainTask)).toList();
    }

    /** The model's label, with its training size only where one training set was trained at several sizes. */
    String label(ModelKey m) {
        return m.label(sizesByTrainSet.getOrDefault(m.trainDataset(), Set.of()).size() > 1);
    }

    /** The cell averaged over seeds ({@link Estimate#meanOf}); {@link Estimate#NONE} if not evaluated. */
    Estimate cell(ModelKey m, String evalDataset, Setting s, String metric) {
        List<ResultRow> rs = cells.get(new CellKey(m, evalDataset, s, metric));
        if (rs == null) return Estimate.NONE;
        return Estimate.meanOf(rs.stream().map(Estimate::of).toList());
    }

    /** The cell of one training seed; {@link Estimate#NONE} if not evaluated. */
    Estimate cellAtSeed(ModelKey m, long seed, String evalDataset, Setting s, String metric) {
        List<ResultRow> rs = cells.get(new CellKey(m, evalDataset, s, metric));
        if (rs == null) return Estimate.NONE;
        return Estimate.meanOf(rs.stream().filter(r -> r.seed() == seed).map(Estimate::of).toList());
    }

    /** Training seeds averaged into a cell. */
    int seeds(ModelKey m, String evalDataset, Setting s, String metric) {
        List<ResultRow> rs = cells.get(new CellKey(m, evalDataset, s, metric));
        return rs == null ? 0 : (int) rs.stream().mapToLong(ResultRow::seed).distinct().count();
    }

    /**
     * The cell's label distribution, its seeds' predictions pooled; null for a generation cell or
     * rows that do not carry one.
     */
    LabelDistribution labels(ModelKey m, String evalDataset, Setting s) {
        List<ResultRow> rs = cells.get(new CellKey(m, evalDataset, s, "accuracy"));
        List<LabelDistribution> parts = rs == null ? List.of() : rs.stream().map(ResultRow::labels).filter(Objects::nonNull).toList();
        return parts.isEmpty() ? null : LabelDistribution.pooled(parts);
    }

    /** Does one label take more than 95% of the cell's predictions ({@link LabelDistribution#degenerate()})? */
    boolean degenerate(ModelKey m, String evalDataset, Setting s) {
        LabelDistribution d = labels(m, evalDataset, s);
        return d != null && d.degenerate();
    }

    /** Is the model's cell or the base model's cell at the same test set and setting degenerate? */
    boolean degenerateDelta(ModelKey m, String evalDataset, Setting s) {
        return degenerate(m, evalDataset, s) || degenerate(ModelKey.BASE, evalDataset, s);
    }

    /**
     * The label distribution of a test set's records as evaluated (the first row of it that carries
     * one): its majority-class and chance accuracy; null if no row does.
     */
    LabelDistribution testSetLabels(String evalDataset) {
        return testSetLabels.get(evalDataset);
    }

    /** The model's cell minus the base model's cell at the same test set, setting and metric. */
    Estimate delta(ModelKey m, String evalDataset, Setting s, String metric) {
        return cell(m, evalDataset, s, metric).minus(cell(ModelKey.BASE, evalDataset, s, metric));
    }
}
