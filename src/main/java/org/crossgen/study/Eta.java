package org.crossgen.study;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The one ETA model, of {@code study plan} and {@code study status}: the time left for a phase is
 * the cost of its unfinished work divided by the rate at which finished work went. Cost is what
 * the caller knows: tokens per training job and records per cell with the plan at hand, one per
 * job or cell without it. The rate is measured per group (a cell's task, a job's training set)
 * where that group has finished work, else over the phase, else the assumed rate. Running and
 * failed work count whole (a failed job or cell is retried by the next run).
 */
public final class Eta {
    private Eta() {}

    /**
     * @param cost        cost of the work not done
     * @param seconds     time it takes; NaN when some of it has no rate (nothing measured, nothing assumed)
     * @param measured    whether the phase's rate is measured (else assumed)
     * @param costPerSecond the phase's rate: measured over its finished work, or the assumed one
     */
    public record Left(double cost, double seconds, boolean measured, double costPerSecond) {}

    /** What is left of a phase whose rows are {@code rows}; {@code assumedCostPerSecond} may be NaN. */
    public static Left of(List<ResultStore.WorkRow> rows, ToDoubleFunction<String> costOfKey, double assumedCostPerSecond) {
        Map<String, double[]> byGroup = new HashMap<>(); // group -> {cost, seconds} of finished work
        double doneCost = 0, doneSeconds = 0;
        for (ResultStore.WorkRow w : rows) {
            if (w.state() != WorkState.DONE || w.elapsedSeconds() == null || w.elapsedSeconds() <= 0) continue;
            double c = costOfKey.applyAsDouble(w.key());
            double[] g = byGroup.computeIfAbsent(w.group(), k -> new double[2]);
            g[0] += c;
            g[1] += w.elapsedSeconds();
            doneCost += c;
            doneSeconds += w.elapsedSeconds();
        }
        boolean measured = doneSeconds > 0;
        double phaseRate = measured ? doneCost / doneSeconds : assumedCostPerSecond;
        double cost = 0, seconds = 0;
        for (ResultStore.WorkRow w : rows) {
            if (w.state() == WorkState.DONE) continue;
            double c = costOfKey.applyAsDouble(w.key());
            double[] g = byGroup.get(w.group());
            cost += c;
            seconds += c / (g != null ? g[0] / g[1] : phaseRate);
        }
        return new Left(cost, seconds, measured, phaseRate);
    }

    /** The plan's jobs or cells as rows, with their state and time from the store (pending when it does not know them). */
    public static List<ResultStore.WorkRow> planRows(StudyPlan plan, StudyPhase phase, ResultStore store) throws IOException {
        List<ResultStore.WorkRow> rows = new ArrayList<>();
        if (phase == StudyPhase.TRAIN) {
            for (TrainingJob j : plan.jobs()) rows.add(row(store, phase, j.key(), j.label(), j.trainDataset()));
        } else {
            for (EvalCell c : plan.cells()) rows.add(row(store, phase, c.key(), c.label(), c.task().name()));
        }
        return rows;
    }

    private static ResultStore.WorkRow row(ResultStore store, StudyPhase phase, String key, String label, String group) throws IOException {
        ResultStore.WorkRow pending = new ResultStore.WorkRow(key, label, group, WorkState.PENDING, 0, null, null, null);
        return store == null ? pending : store.workRow(phase.table, key).orElse(pending);
    }
}
