package org.crossgen.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training task × evaluation task in one setting: each cell is the mean Δ (vs the base model, in
 * the evaluation task's primary metric) over every pair of a model fine-tuned on the training task
 * with that method and a test set of the evaluation task, with a bootstrap interval over those
 * pairs ({@link PairBootstrap}). The diagonal mixes in-domain and out-of-domain test sets.
 *
 * @param rowLabels "summary · FT", "summary · FTICL k=4"
 * @param cells     [row][evaluation task]
 * @param pairs     pairs averaged into each cell
 */
record CrossTaskMatrix(Setting setting, List<String> rowLabels, List<String> evalTasks, List<String> metrics,
                       Estimate[][] cells, int[][] pairs) {

    static CrossTaskMatrix of(StudyResults r, Setting s) {
        Map<String, List<ModelKey>> groups = new LinkedHashMap<>();
        for (ModelKey m : r.fineTuned()) groups.computeIfAbsent(m.trainTask() + " · " + m.methodLabel(), k -> new ArrayList<>()).add(m);
        List<String> tasks = r.tasks();
        Estimate[][] cells = new Estimate[groups.size()][tasks.size()];
        int[][] pairs = new int[groups.size()][tasks.size()];
        int i = 0;
        for (List<ModelKey> models : groups.values()) {
            for (int j = 0; j < tasks.size(); j++) {
                String metric = r.primaryMetric(tasks.get(j));
                List<Estimate> deltas = new ArrayList<>();
                for (ModelKey m : models) {
                    for (String set : r.testSets(tasks.get(j))) {
                        Estimate d = r.delta(m, set, s, metric);
                        if (d.hasValue()) deltas.add(d);
                    }
                }
                cells[i][j] = PairBootstrap.mean(deltas);
                pairs[i][j] = deltas.size();
            }
            i++;
        }
        return new CrossTaskMatrix(s, List.copyOf(groups.keySet()), tasks, tasks.stream().map(r::primaryMetric).toList(), cells, pairs);
    }

    boolean hasValues() {
        for (Estimate[] row : cells) for (Estimate e : row) if (e.hasValue()) return true;
        return false;
    }
}
