package org.crossgen.study;

import java.util.Arrays;
import java.util.List;

/**
 * The two phases of a study: training jobs, then evaluation cells. On a cluster each phase is one
 * Slurm array (or Kubernetes Indexed Job) whose task index selects one job or cell.
 */
public enum StudyPhase {
    TRAIN("train", ResultStore.Table.JOBS, "training job"),
    EVAL("eval", ResultStore.Table.CELLS, "evaluation cell");

    /** The name on the command line ({@code --phase train|eval}). */
    public final String cliName;
    /** The store table holding this phase's work. */
    public final ResultStore.Table table;
    /** What one unit of work is called in messages. */
    public final String noun;

    StudyPhase(String cliName, ResultStore.Table table, String noun) {
        this.cliName = cliName;
        this.table = table;
        this.noun = noun;
    }

    /** The plan's keys of this phase in plan order: the index space of {@code run-cell --index} without a keys file. */
    public List<String> keys(StudyPlan plan) {
        return this == TRAIN ? plan.jobs().stream().map(TrainingJob::key).toList()
                : plan.cells().stream().map(EvalCell::key).toList();
    }

    /** {@code train} or {@code eval}. */
    public static StudyPhase parse(String name) {
        for (StudyPhase p : values()) if (p.cliName.equals(name)) return p;
        throw new IllegalArgumentException("unknown phase '" + name + "'; known: "
                + Arrays.stream(values()).map(p -> p.cliName).toList());
    }
}
