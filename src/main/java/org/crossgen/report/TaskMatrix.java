package org.crossgen.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Training set × test set for one task, setting and metric: row 0 is the base model, then every
 * model fine-tuned on one of the task's datasets; columns are the task's test sets. Cells are
 * means over training seeds; deltas are against the base model at the same setting.
 *
 * @param absolute [model][test set]
 * @param delta    [model][test set]; row 0 (the base) is {@link Estimate#NONE}
 * @param degenerate [model][test set]: is the classifier's cell degenerate ({@link Degenerate})?
 */
record TaskMatrix(String task, Setting setting, String metric, List<String> testSets, List<ModelKey> models,
                  List<String> modelLabels, Estimate[][] absolute, Estimate[][] delta, boolean[][] degenerate) {

    static TaskMatrix of(StudyResults r, String task, Setting s, String metric) {
        List<String> sets = r.testSets(task);
        List<ModelKey> models = new ArrayList<>();
        models.add(ModelKey.BASE);
        models.addAll(r.fineTunedOn(task));
        Estimate[][] abs = new Estimate[models.size()][sets.size()];
        Estimate[][] delta = new Estimate[models.size()][sets.size()];
        boolean[][] degenerate = new boolean[models.size()][sets.size()];
        for (int i = 0; i < models.size(); i++) {
            for (int j = 0; j < sets.size(); j++) {
                abs[i][j] = r.cell(models.get(i), sets.get(j), s, metric);
                delta[i][j] = i == 0 ? Estimate.NONE : r.delta(models.get(i), sets.get(j), s, metric);
                degenerate[i][j] = r.degenerate(models.get(i), sets.get(j), s);
            }
        }
        return new TaskMatrix(task, s, metric, sets, List.copyOf(models), models.stream().map(r::label).toList(), abs, delta, degenerate);
    }

    /** Is any cell evaluated? */
    boolean hasValues() {
        for (Estimate[] row : absolute) for (Estimate e : row) if (e.hasValue()) return true;
        return false;
    }

    /** Is the cell degenerate; for a Δ, is the model's or the base model's cell? */
    boolean degenerate(int i, int j, boolean delta) {
        return degenerate[i][j] || delta && degenerate[0][j];
    }

    /** Is any cell of the Δ rows marked? */
    boolean anyDegenerate() {
        for (boolean[] row : degenerate) for (boolean d : row) if (d) return true;
        return false;
    }

    /** Is {@code testSets[j]} the training set of {@code models[i]} (the in-domain cell)? */
    boolean inDomain(int i, int j) {
        return models.get(i).trainDataset().equals(testSets.get(j));
    }
}
