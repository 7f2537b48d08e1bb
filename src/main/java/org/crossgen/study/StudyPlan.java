package org.crossgen.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spec expanded into work: training jobs, and evaluation cells ordered by model (so a runner
 * loads each model once). Every cell of a fine-tuned model names its job by {@link EvalCell#jobKey()}.
 */
public record StudyPlan(StudySpec spec, List<TrainingJob> jobs, List<EvalCell> cells) {
    public StudyPlan {
        jobs = List.copyOf(jobs);
        cells = List.copyOf(cells);
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
