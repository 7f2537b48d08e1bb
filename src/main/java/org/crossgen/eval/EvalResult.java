package org.crossgen.eval;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crossgen.data.TaskRegistry;
import org.crossgen.files.AtomicFiles;

/**
 * An evaluation's outcome: the summary (configuration + metrics) and every record's result.
 * On disk: {@code records.jsonl} (one {@link RecordResult} per line) and {@code summary.json}.
 */
public record EvalResult(EvalSpec spec, Map<String, Object> summary, List<RecordResult> records) {
    public static final String RECORDS = "records.jsonl";
    public static final String SUMMARY = "summary.json";

    @SuppressWarnings("unchecked")
    public Map<String, Object> metrics() {
        return (Map<String, Object>) summary.get("metrics");
    }

    /** Writes {@code records.jsonl} and then {@code summary.json} into {@code dir} (the summary marks completion). */
    public void write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        AtomicFiles.write(dir.resolve(RECORDS), tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (RecordResult rec : records) {
                    w.write(json.writeValueAsString(rec));
                    w.newLine();
                }
            }
        });
        AtomicFiles.writeString(dir.resolve(SUMMARY), json.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
    }

    /**
     * Recomputes the metrics of an evaluation folder from its JSONL alone (no model): the task,
     * stemmer and seed come from its summary.
     */
    public static Map<String, Object> rescore(Path dir, TaskRegistry registry) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode summary = json.readTree(dir.resolve(SUMMARY).toFile());
        List<RecordResult> records = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(dir.resolve(RECORDS), StandardCharsets.UTF_8)) {
            line++;
            if (text.isBlank()) continue;
            try {
                records.add(json.readValue(text, new TypeReference<RecordResult>() {}));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException(dir.resolve(RECORDS) + ", line " + line + ": not a record: " + e.getOriginalMessage());
            }
        }
        var dataset = registry.dataset(summary.get("dataset").asText());
        return EvalMetrics.compute(dataset.task(), records, summary.get("stemmer").asBoolean(), summary.get("seed").asLong());
    }
}
