package org.crossgen.report;

import org.crossgen.study.DriftRow;
import org.crossgen.study.Method;
import org.crossgen.study.ResultRow;

/**
 * A model of the study up to its training seed: rows of the same key are averaged over seeds.
 * The base model is {@link Method#BASE} with an empty training set.
 */
record ModelKey(Method method, String trainDataset, int trainSize, int trainShots) {
    static final ModelKey BASE = new ModelKey(Method.BASE, "", 0, 0);

    static ModelKey of(ResultRow r) {
        return new ModelKey(r.method(), r.trainDataset(), r.trainSize(), r.trainShots());
    }

    static ModelKey of(DriftRow r) {
        return new ModelKey(r.method(), r.trainDataset(), r.trainSize(), r.trainShots());
    }

    boolean isBase() {
        return method == Method.BASE;
    }

    String trainTask() {
        return trainDataset.isEmpty() ? "" : trainDataset.substring(0, trainDataset.indexOf('/'));
    }

    /** "FT", "FTICL k=4". */
    String methodLabel() {
        return switch (method) {
            case BASE -> "base";
            case FT -> "FT";
            case FTICL -> "FTICL k=" + trainShots;
        };
    }

    /** "base", "FT sentiment/amazon", "FTICL k=4 sentiment/amazon (n=2000)" when sizes must be told apart. */
    String label(boolean withSize) {
        if (isBase()) return "base";
        return methodLabel() + " " + trainDataset + (withSize ? " (n=" + trainSize + ")" : "");
    }
}
