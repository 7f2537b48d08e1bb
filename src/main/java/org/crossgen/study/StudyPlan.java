package org.crossgen.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spec expanded into work: training jobs, and evaluation cells ordered by model (so a runner
 * loads each model once). Every cell of a fine-tuned model names its job by {@link EvalCell#jobKey()}.
 * {@code leftOut}: one line per group of jobs the spec asks for that cannot exist (a training set
 * without a file of that size), saying why.
 */
public record StudyPlan(StudySpec spec, List<TrainingJob> jobs, List<EvalCell> cells, List<String> leftOut) {
    public StudyPlan {
        jobs = List.copyOf(jobs);
        cells = List.copyOf(cells);
        leftOut = List.copyOf(leftOut);
    }

    /** A plan that leaves nothing of its spec out. */
    public StudyPlan(StudySpec spec, List<TrainingJob> jobs, List<EvalCell> cells) {
        this(spec, jobs, cells, List.of());
    }

    /**
     * The spec's models whose folders are not on this machine (a plan made with
     * {@link StudySpec#readForPlan}): their cells and jobs have provisional keys.
     */
    public List<String> absentModels() {
        return spec == null ? List.of() : spec.models().stream().filter(m -> !spec.modelDirs().containsKey(m)).toList();
    }

    /** The jobs by key, in plan order. */
    public Map<String, TrainingJob> jobsByKey() {
        Map<String, TrainingJob> m = new LinkedHashMap<>();
        for (TrainingJob j : jobs) m.put(j.key(), j);
        return m;
    }

    /** The cells by key, in plan order. */
    public Map<String, EvalCell> cellsByKey() {
        Map<String, EvalCell> m = new LinkedHashMap<>();
        for (EvalCell c : cells) m.put(c.key(), c);
        return m;
    }
}
