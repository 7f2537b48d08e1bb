package org.crossgen.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crossgen.data.Dataset;
import org.crossgen.data.Problem;
import org.crossgen.data.TaskRegistry;

/**
 * The data warnings that matter to a study: problems of its datasets that do not stop it (a
 * demonstration that is also a test record, an empty input field), one line per file. Shown where
 * they matter (the plan, the report's data section) instead of on every command that reads a
 * dataset; {@code crossgen data validate} lists every record.
 */
public final class DataWarnings {
    private DataWarnings() {}

    /** {@code <file>: N warning(s), first: <record and message>}, for every file of the spec's datasets that has some. */
    public static List<String> of(StudySpec spec, TaskRegistry registry) {
        Set<String> ids = new LinkedHashSet<>(spec.trainDatasets());
        ids.addAll(spec.evalSets());
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            Dataset d = registry.dataset(id);
            Map<String, List<Problem>> byFile = new LinkedHashMap<>();
            for (Problem p : d.validate()) if (!p.isError()) byFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p);
            byFile.forEach((file, ps) -> lines.add(file + ": " + ps.size() + " warning(s), first: "
                    + (ps.get(0).record() < 0 ? "" : "record " + ps.get(0).record() + ": ") + ps.get(0).message()
                    + " (crossgen data validate " + id + " lists all)"));
        }
        return lines;
    }
}
