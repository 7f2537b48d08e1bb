package org.crossgen.eval;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.crossgen.data.TaskRegistry;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.FileTrees;
import org.crossgen.files.InputFiles;

/**
 * An evaluation's outcome: the summary (configuration + metrics) and every record's result.
 * On disk: {@code records.jsonl} (one {@link RecordResult} per line) and {@code summary.json}.
 */
public record EvalResult(EvalSpec spec, Map<String, Object> summary, List<RecordResult> records) {
    public static final String RECORDS = "records.jsonl";
    public static final String SUMMARY = "summary.json";
    private static final String STAGING = ".eval-";

    @SuppressWarnings("unchecked")
    public Map<String, Object> metrics() {
        return (Map<String, Object>) summary.get("metrics");
    }

    /**
     * Writes {@code records.jsonl} and {@code summary.json} into {@code dir}, both or neither: each
     * is written in full (and forced to disk) into a staging folder first, so a failure there (a
     * full disk, a kill) leaves the folder as it was; then the old summary goes, the records and
     * the summary move in, summary last. A reader takes the summary as the mark of a complete
     * pair; only a kill between the two renames can leave records without one.
     */
    public void write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Files.createDirectories(dir);
        try (Stream<Path> stale = Files.list(dir)) { // staging folders of a write that was killed
            for (Path p : stale.filter(p -> p.getFileName().toString().startsWith(STAGING)).toList()) FileTrees.delete(p);
        }
        Path staging = Files.createTempDirectory(dir, STAGING);
        try {
            AtomicFiles.write(staging.resolve(RECORDS), tmp -> {
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    for (RecordResult rec : records) {
                        w.write(json.writeValueAsString(rec));
                        w.newLine();
                    }
                }
            });
            AtomicFiles.writeString(staging.resolve(SUMMARY), json.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
            Files.deleteIfExists(dir.resolve(SUMMARY));
            try {
                Files.move(staging.resolve(RECORDS), dir.resolve(RECORDS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.move(staging.resolve(SUMMARY), dir.resolve(SUMMARY), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(dir.resolve(RECORDS)); // records without their summary would read as a complete result
                throw e;
            }
        } finally {
            FileTrees.delete(staging);
        }
    }

    /**
     * Recomputes the metrics of an evaluation folder from its JSONL alone (no model): the task,
     * stemmer and seed come from its summary.
     */
    public static Map<String, Object> rescore(Path dir, TaskRegistry registry) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode summary = InputFiles.readJsonObject(dir.resolve(SUMMARY), "evaluation summary");
        List<RecordResult> records = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(InputFiles.requireRegularFile(dir.resolve(RECORDS), "evaluation records"), StandardCharsets.UTF_8)) {
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
