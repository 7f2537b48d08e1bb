package org.crossgen.study;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.files.AtomicFiles;

/**
 * Everything a report is made from: a study's result rows, drift rows, loss curves and the data
 * warnings of its datasets. A study writes it as {@code results.json} ({@link ResultsExporter});
 * {@code crossgen report} reads it, or any file holding an array of {@link ResultRow} objects, or an
 * object {@code {"results": [...], "drift": [...], "lossCurves": [...], "dataWarnings": [...],
 * "provenance": [...]}} (all but the results optional). A missing or null {@code ciLower}/{@code ciUpper} means no
 * interval, and a missing or null {@code labels.scoreAuc} no score ranking (files written before crossgen kept
 * one); NaN literals are accepted.
 *
 * @param dataWarnings one line per dataset problem that did not stop the study (e.g. a
 *                     demonstration that is also a test record)
 * @param provenance   one line per crossgen build, libtorch, device and dtype that made the results,
 *                     with how many jobs and cells each made ({@link ResultStore#provenanceLines()})
 */
public record ResultsFile(List<ResultRow> results, List<DriftRow> drift, List<LossHistory> lossCurves, List<String> dataWarnings,
                          List<String> provenance) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    public ResultsFile {
        results = List.copyOf(results);
        drift = List.copyOf(drift);
        lossCurves = List.copyOf(lossCurves);
        dataWarnings = List.copyOf(dataWarnings);
        provenance = List.copyOf(provenance);
    }

    /** Without provenance (results made elsewhere). */
    public ResultsFile(List<ResultRow> results, List<DriftRow> drift, List<LossHistory> lossCurves, List<String> dataWarnings) {
        this(results, drift, lossCurves, dataWarnings, List.of());
    }

    /** Result rows alone. */
    public static ResultsFile of(List<ResultRow> results) {
        return new ResultsFile(results, List.of(), List.of(), List.of());
    }

    /** This file's JSON text, as {@link #write} writes it. */
    public String json() throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n";
    }

    /** Writes {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, json());
    }

    /** Reads {@code file}; errors name the file, the array and the record index. */
    public static ResultsFile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null) throw new IOException(file + ": empty file; expected an array of result rows or an object with \"results\"");
        if (root.isArray()) return of(records(file, "results", root, ResultRow.class));
        if (!root.isObject() || !root.has("results")) {
            throw new IOException(file + ": expected an array of result rows or an object with \"results\" (and optional \"drift\", "
                    + "\"lossCurves\", \"dataWarnings\", \"provenance\")");
        }
        return new ResultsFile(records(file, "results", root.get("results"), ResultRow.class),
                records(file, "drift", root.path("drift"), DriftRow.class),
                records(file, "lossCurves", root.path("lossCurves"), LossHistory.class),
                records(file, "dataWarnings", root.path("dataWarnings"), String.class),
                records(file, "provenance", root.path("provenance"), String.class));
    }

    private static <T> List<T> records(Path file, String field, JsonNode array, Class<T> type) throws IOException {
        if (array.isMissingNode() || array.isNull()) return List.of();
        if (!array.isArray()) throw new IOException(file + ": \"" + field + "\" must be an array, got " + array.getNodeType());
        List<T> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode node = array.get(i);
            if (type == ResultRow.class && node instanceof ObjectNode o) {
                for (String ci : List.of("ciLower", "ciUpper")) nanIfAbsent(o, ci);
                if (o.get("labels") instanceof ObjectNode labels) nanIfAbsent(labels, "scoreAuc");
            }
            try {
                out.add(JSON.treeToValue(node, type));
            } catch (IOException | IllegalArgumentException e) {
                Throwable root = e;
                while (root.getCause() != null) root = root.getCause();
                // a record's own check (compact constructor) says it best; otherwise Jackson's message
                String why = root instanceof IllegalArgumentException ? root.getMessage()
                        : e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new IOException(file + ", " + field + " record " + i + ": " + why, e);
            }
        }
        return out;
    }

    private static void nanIfAbsent(ObjectNode o, String field) {
        if (o.path(field).isMissingNode() || o.get(field).isNull()) o.set(field, DoubleNode.valueOf(Double.NaN));
    }

    /** A study folder's {@code results.json}, or the JSON file itself. */
    public static Path in(Path dirOrFile) {
        return Files.isDirectory(dirOrFile) ? new StudyLayout(dirOrFile).results() : dirOrFile;
    }
}
