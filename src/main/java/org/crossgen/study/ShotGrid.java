package org.crossgen.study;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shot counts by task name, in the order a spec's datasets bring the tasks in: the paper evaluates
 * each task with its own shots (summary {4, 2, 1, 0}, sentiment {2, 4, 6, 0}, ...) and trains FTICL
 * with its own k per task.
 */
final class ShotGrid {
    private ShotGrid() {}

    /** An unmodifiable copy that keeps the task order and each list's order. */
    static Map<String, List<Integer>> copyOf(Map<String, List<Integer>> byTask) {
        Map<String, List<Integer>> copy = new LinkedHashMap<>();
        byTask.forEach((task, shots) -> copy.put(task, List.copyOf(shots)));
        return Collections.unmodifiableMap(copy);
    }

    /** The shots of {@code task}; a task the spec did not validate is a program error. */
    static List<Integer> of(Map<String, List<Integer>> byTask, String task) {
        List<Integer> shots = byTask.get(task);
        if (shots == null) throw new IllegalStateException("no shot counts for task " + task + "; the spec has " + byTask.keySet());
        return shots;
    }
}
