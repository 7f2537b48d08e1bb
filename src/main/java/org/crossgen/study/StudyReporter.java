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
import org.crossgen.report.DriftRow;
import org.crossgen.report.LossCurve;
import org.crossgen.report.LossPoint;
import org.crossgen.report.ModelDrift;
import org.crossgen.report.ReportInput;
import org.crossgen.report.StudyReport;
import org.crossgen.files.AtomicFiles;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.text.Tokenizer;
import org.crossgen.train.MetricsLog;

/**
 * Turns a study folder into its report: result rows from the store, loss curves from each trained
 * model's {@code metrics.jsonl}, and drift (weight change, next-token KL versus the base) measured
 * once per trained model and cached in {@code models/<key>/drift.json}. Writes
 * {@code results.json} (rows, drift, curves: what {@code crossgen report} reads) and {@code report/}.
 */
public final class StudyReporter {
    /** Held-out prompts for the KL: the first records of every test set, zero-shot, template 0. */
    static final int PROMPTS_PER_SET = 4;
    static final int PROMPT_TOKENS = 96;

    private final StudyLayout layout;
    private final TaskRegistry registry;
    private final ComputeDevice device;
    private final ObjectMapper json = new ObjectMapper();

    public StudyReporter(StudyLayout layout, TaskRegistry registry, ComputeDevice device) {
        this.layout = layout;
        this.registry = registry;
        this.device = device;
    }

    /** Writes results.json and the report; returns the HTML file. */
    public Path write(StudyPlan plan) throws IOException {
        List<org.crossgen.report.ResultRow> rows;
        Set<String> trained;
        try (ResultStore store = ResultStore.open(layout.dir())) {
            rows = store.rows();
            trained = store.doneKeys(ResultStore.Table.JOBS);
        }
        List<TrainingJob> done = plan.jobs().stream().filter(j -> trained.contains(j.key())).toList();
        List<LossCurve> curves = new ArrayList<>();
        for (TrainingJob job : done) {
            Path metrics = layout.trainingMetrics(job.key());
            if (!Files.exists(metrics)) continue;
            List<LossPoint> points = new ArrayList<>();
            for (double[] p : MetricsLog.losses(metrics)) points.add(new LossPoint((long) p[0], p[1]));
            curves.add(new LossCurve(job.label(), points));
        }
        List<DriftRow> drift = drift(done);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("results", rows);
        input.put("drift", drift);
        input.put("lossCurves", curves);
        String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(input) + "\n";
        Path results = layout.results();
        Path html = layout.report().resolve(StudyReport.HTML);
        if (Files.exists(html) && Files.exists(results) && Files.readString(results).equals(text)) return html; // nothing new
        AtomicFiles.writeString(results, text);
        ReportInput read = ReportInput.read(results);
        return StudyReport.of(read.results(), read.drift(), read.lossCurves()).write(layout.report());
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
                prompts = ModelDrift.promptIds(tokenizer, heldOutPrompts(), PROMPT_TOKENS);
            }
            try (ModelDrift d = ModelDrift.against(missing.get(0).base().name(), e.getKey(), prompts, 8, DType.FLOAT32, device)) {
                for (TrainingJob j : missing) {
                    List<DriftRow> measured = d.measure(layout.model(j.key()), j.method(), j.trainDataset(), j.trainSize(), j.trainShots(), j.seed());
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
