package org.crossgen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.crossgen.study.ResultStore;
import org.crossgen.study.StudyLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a study's results (one row per cell and metric) as CSV and/or JSON.")
final class StudyExportCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;

    @Parameters(paramLabel = "DIR", description = "Study folder.")
    Path dir;

    @Option(names = "--csv-file", paramLabel = "FILE", description = "CSV output.")
    Path csv;

    @Option(names = "--json-file", paramLabel = "FILE", description = "JSON output (an array of rows).")
    Path json;

    /** Old spelling of {@code --csv-file}, accepted for one release. */
    @Option(names = "--csv", hidden = true, paramLabel = "FILE")
    void oldCsv(Path file) {
        csv = file;
    }

    /** Old spelling of {@code --json-file} (elsewhere {@code --json} is a switch), accepted for one release. */
    @Option(names = "--json", hidden = true, paramLabel = "FILE")
    void oldJson(Path file) {
        json = file;
    }

    @Override
    public Integer call() throws Exception {
        if (csv == null && json == null) throw new IllegalArgumentException("give --csv-file FILE and/or --json-file FILE");
        if (!ResultStore.exists(dir)) {
            throw new IllegalArgumentException("no study in " + dir + " (no " + new StudyLayout(dir).store().getFileName() + ")");
        }
        try (ResultStore store = ResultStore.open(dir)) {
            int rows = store.rows().size();
            if (csv != null) store.exportCsv(csv);
            if (json != null) store.exportJson(json);
            study.root.out().println(rows + " rows" + (csv == null ? "" : " -> " + csv) + (json == null ? "" : " -> " + json));
        }
        return 0;
    }
}
