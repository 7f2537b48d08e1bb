package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.crossgen.data.TaskRegistry;
import org.crossgen.files.AtomicFiles;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.train.MetricsLog;

/**
 * Collects a study folder's results into {@code results.json}, what its report is made from
 * ({@link ResultsFile}): result rows from the store, loss curves from each trained model's
 * {@code metrics.jsonl}, drift (weight change, next-token KL versus the base: {@link DriftCache})
 * of each trained model, and the data warnings of the study's datasets. Models are loaded here, on
 * the study side; the report only reads rows.
 */
public final class ResultsExporter {
    /** What {@link #export} wrote: the results, and whether they differ from the file there before. */
    public record Export(ResultsFile results, boolean changed) {}

    private final StudyLayout layout;
    private final TaskRegistry registry;
    private final ComputeDevice device;

    public ResultsExporter(StudyLayout layout, TaskRegistry registry, ComputeDevice device) {
        this.layout = layout;
        this.registry = registry;
        this.device = device;
    }

    /** Measures drift the study lacks and writes {@code results.json} (atomically, and only when it changed). */
    public Export export(StudyPlan plan) throws IOException {
        List<ResultRow> rows;
        Set<String> trained;
        List<String> provenance;
        try (ResultStore store = ResultStore.open(layout.dir())) {
            rows = store.rows();
            trained = store.doneKeys(ResultStore.Table.JOBS);
            provenance = store.provenanceLines();
        }
        List<TrainingJob> done = plan.jobs().stream().filter(j -> trained.contains(j.key())).toList();
        List<LossHistory> curves = new ArrayList<>();
        for (TrainingJob job : done) {
            Path metrics = layout.trainingMetrics(job.key());
            if (!Files.exists(metrics)) continue;
            List<LossPoint> points = new ArrayList<>();
            for (double[] p : MetricsLog.losses(metrics)) points.add(new LossPoint((long) p[0], p[1]));
            curves.add(new LossHistory(job.label(), points));
        }
        ResultsFile results = new ResultsFile(rows, new DriftCache(registry, device).rows(done, j -> layout.model(j.key())), curves,
                plan.spec() == null ? List.of() : DataWarnings.of(plan.spec(), registry), provenance);
        String text = results.json();
        Path file = layout.results();
        boolean changed = !Files.exists(file) || !Files.readString(file).equals(text);
        if (changed) AtomicFiles.writeString(file, text);
        return new Export(results, changed);
    }
}
