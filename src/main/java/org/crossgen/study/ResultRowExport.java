package org.crossgen.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.files.AtomicFiles;

/**
 * The result rows ({@link ResultStore#rows()}) as files for other tools ({@code crossgen study
 * export}): CSV or a JSON array, one object per row. The report reads {@code results.json}
 * ({@link ResultsFile}) instead.
 */
final class ResultRowExport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultRowExport() {}

    /** Writes {@code rows} as CSV (header = ResultRow's fields; NaN as empty), atomically. */
    static void writeCsv(List<ResultRow> rows, Path target) throws IOException {
        AtomicFiles.write(target, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("base_model,method,train_dataset,train_size,train_shots,seed,eval_dataset,eval_task,template,shots,"
                        + "metric,value,ci_lower,ci_upper,n,truncated,lost_demonstrations\n");
                for (ResultRow r : rows) {
                    w.write(String.join(",", csv(r.baseModel()), r.method().id(), csv(r.trainDataset()), Integer.toString(r.trainSize()),
                            Integer.toString(r.trainShots()), Long.toString(r.seed()), csv(r.evalDataset()), r.evalTask(),
                            Integer.toString(r.template()), Integer.toString(r.shots()), r.metric(), number(r.value()),
                            number(r.ciLower()), number(r.ciUpper()), Integer.toString(r.n()), Integer.toString(r.truncated()),
                            Integer.toString(r.lostDemonstrations())));
                    w.write("\n");
                }
            }
        });
    }

    /** Writes {@code rows} as a JSON array of objects (NaN as null), atomically. */
    static void writeJson(List<ResultRow> rows, Path target) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ResultRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("base_model", r.baseModel());
            m.put("method", r.method());
            m.put("train_dataset", r.trainDataset());
            m.put("train_size", r.trainSize());
            m.put("train_shots", r.trainShots());
            m.put("seed", r.seed());
            m.put("eval_dataset", r.evalDataset());
            m.put("eval_task", r.evalTask());
            m.put("template", r.template());
            m.put("shots", r.shots());
            m.put("metric", r.metric());
            m.put("value", Double.isNaN(r.value()) ? null : r.value());
            m.put("ci_lower", Double.isNaN(r.ciLower()) ? null : r.ciLower());
            m.put("ci_upper", Double.isNaN(r.ciUpper()) ? null : r.ciUpper());
            m.put("n", r.n());
            m.put("truncated", r.truncated());
            m.put("lost_demonstrations", r.lostDemonstrations());
            out.add(m);
        }
        AtomicFiles.writeString(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n");
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
