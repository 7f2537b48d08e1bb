package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Task;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.EvalSpec;
import org.crossgen.eval.RecordResult;
import org.crossgen.eval.ScoringMode;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.DType;

/** Small specs, model folders, cells and results for the study tests. */
final class StudyFixtures {
    private StudyFixtures() {}

    /** A folder that passes as a model folder for spec validation and identity (config.json only). */
    static Path fakeModel(Path dir, String config) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    static Path writeSpec(Path dir, String name, String yaml) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    static final Task SENTIMENT = TaskRegistry.paper().task("sentiment");

    /** Base model "m" (folder m) with identity {@code identity}. */
    static BaseModel base(String identity) {
        return new BaseModel("m", Path.of("m"), identity);
    }

    /** FT of base model "m" (identity "id") on sentiment/amazon, 2000 records, seed 1, the paper's settings. */
    static TrainingJob job() {
        return new TrainingJob(base("id"), "sentiment/amazon", Method.FT, 0, 2000, 1, StudySpec.Training.paper(), null, 0,
                DType.FLOAT32);
    }

    /** A base-model cell of model "m" on sentiment/yelp, template 0, 0 shots, varying by {@code i} through the seed. */
    static EvalCell cell(String modelKey, int i) {
        return new EvalCell(base(modelKey), null, SENTIMENT,
                new EvalSpec("sentiment/yelp", 0, 0, Sampler.FIRST_K, 1000 + i, ScoringMode.FIRST_TOKEN, 5, 60, 1024, false),
                DType.FLOAT32);
    }

    /** A plan of {@code n} base-model cells over two models, no jobs. */
    static StudyPlan plan(int n) {
        List<EvalCell> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) cells.add(cell(i % 2 == 0 ? "model-a" : "model-b", i));
        return new StudyPlan(null, List.of(), cells);
    }

    /** A deterministic result for a cell: accuracy and predictions derived from its key. */
    static EvalResult result(EvalCell cell) {
        int h = Math.floorMod(cell.key().hashCode(), 1000);
        List<RecordResult> records = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            String pred = (h + p) % 2 == 0 ? "positive" : "negative";
            records.add(new RecordResult(p, "sha" + p, 10 + p, false, pred, "positive", Map.of("positive", -1.0, "negative", -2.0)));
        }
        double accuracy = records.stream().filter(r -> r.prediction().equals(r.reference())).count() / 3.0;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", accuracy);
        metrics.put("macro_f1", 0.5);
        metrics.put("accuracy_ci95", Map.of("lower", accuracy / 2, "upper", Math.min(1, accuracy + 0.1)));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("dataset", cell.eval().dataset());
        summary.put("metrics", metrics);
        return new EvalResult(cell.eval(), summary, records);
    }
}
