package org.crossgen.study;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.TaskRegistry;
import org.crossgen.prompt.PromptBuilder;
import org.crossgen.prompt.PromptTemplate;
import org.crossgen.files.AtomicFiles;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.text.Tokenizer;
import org.crossgen.train.MetricsLog;

/**
 * Collects a study folder's results into {@code results.json}, what its report is made from
 * ({@link ResultsFile}): result rows from the store, loss curves from each trained model's
 * {@code metrics.jsonl}, drift (weight change, next-token KL versus the base) measured once per
 * trained model and cached in {@code models/<key>/drift.json}, and the data warnings of the
 * study's datasets. Models are loaded here, on the study side; the report only reads rows.
 */
public final class ResultsExporter {
    /** Held-out prompts for the KL: the first records of every test set, zero-shot, template 0. */
    static final int PROMPTS_PER_SET = 4;
    static final int PROMPT_TOKENS = 96;

    /** What {@link #export} wrote: the results, and whether they differ from the file there before. */
    public record Export(ResultsFile results, boolean changed) {}

    private final StudyLayout layout;
    private final TaskRegistry registry;
    private final ComputeDevice device;
    private final ObjectMapper json = new ObjectMapper();

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
        ResultsFile results = new ResultsFile(rows, drift(done), curves,
                plan.spec() == null ? List.of() : DataWarnings.of(plan.spec(), registry), provenance);
        String text = results.json();
        Path file = layout.results();
        boolean changed = !Files.exists(file) || !Files.readString(file).equals(text);
        if (changed) AtomicFiles.writeString(file, text);
        return new Export(results, changed);
    }

    private List<DriftRow> drift(List<TrainingJob> jobs) throws IOException {
        List<DriftRow> rows = new ArrayList<>();
        Map<Path, List<TrainingJob>> byBase = new LinkedHashMap<>();
        for (TrainingJob j : jobs) byBase.computeIfAbsent(j.base().dir(), k -> new ArrayList<>()).add(j);
        for (Map.Entry<Path, List<TrainingJob>> e : byBase.entrySet()) {
            List<TrainingJob> missing = new ArrayList<>();
            for (TrainingJob j : e.getValue()) {
                Path cached = layout.drift(j.key());
                if (Files.exists(cached)) rows.addAll(json.readValue(cached.toFile(), new TypeReference<List<DriftRow>>() {}));
                else missing.add(j);
            }
            if (missing.isEmpty()) continue;
            List<long[]> prompts;
            try (Tokenizer tokenizer = Tokenizer.load(e.getKey())) {
                prompts = DriftMeter.promptIds(tokenizer, heldOutPrompts(), PROMPT_TOKENS);
            }
            try (DriftMeter d = DriftMeter.against(missing.get(0).base().name(), e.getKey(), prompts, 8, DType.FLOAT32, device)) {
                for (TrainingJob j : missing) {
                    List<DriftRow> measured = d.measure(layout.model(j.key()), j);
                    AtomicFiles.writeString(layout.drift(j.key()), json.writeValueAsString(measured));
                    rows.addAll(measured);
                }
            }
        }
        return rows;
    }

    /** Zero-shot, template-0 prompts of the first records of every test set with a demonstration pool. */
    List<String> heldOutPrompts() {
        List<String> texts = new ArrayList<>();
        for (Dataset d : registry.datasets()) {
            if (d.demosFile().isEmpty()) continue;
            PromptBuilder builder = new PromptBuilder(PromptTemplate.of(d.task(), 0));
            List<Example> tests = d.testExamples();
            for (Example e : tests.subList(0, Math.min(PROMPTS_PER_SET, tests.size()))) texts.add(builder.prompt(List.of(), e));
        }
        return texts;
    }
}
