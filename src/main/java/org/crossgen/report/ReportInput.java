package org.crossgen.report;

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

/**
 * What a report is made from, read from exported JSON: either an array of {@link ResultRow}
 * objects, or an object {@code {"results": [...], "drift": [...], "lossCurves": [...]}} (drift and
 * loss curves optional). A missing or null {@code ciLower}/{@code ciUpper} means no interval; NaN
 * literals are accepted.
 */
public record ReportInput(List<ResultRow> results, List<DriftRow> drift, List<LossCurve> lossCurves) {
    /** The file a study folder's results are read from until the report reads the results store. */
    public static final String RESULTS_FILE = "results.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    public ReportInput {
        results = List.copyOf(results);
        drift = List.copyOf(drift);
        lossCurves = List.copyOf(lossCurves);
    }

    /** Reads {@code file}; errors name the file, the array and the record index. */
    public static ReportInput read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null) throw new IOException(file + ": empty file; expected an array of result rows or an object with \"results\"");
        if (root.isArray()) return new ReportInput(records(file, "results", root, ResultRow.class), List.of(), List.of());
        if (!root.isObject() || !root.has("results")) {
            throw new IOException(file + ": expected an array of result rows or an object with \"results\" (and optional \"drift\", \"lossCurves\")");
        }
        return new ReportInput(records(file, "results", root.get("results"), ResultRow.class),
                records(file, "drift", root.path("drift"), DriftRow.class),
                records(file, "lossCurves", root.path("lossCurves"), LossCurve.class));
    }

    private static <T> List<T> records(Path file, String field, JsonNode array, Class<T> type) throws IOException {
        if (array.isMissingNode() || array.isNull()) return List.of();
        if (!array.isArray()) throw new IOException(file + ": \"" + field + "\" must be an array, got " + array.getNodeType());
        List<T> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode node = array.get(i);
            if (type == ResultRow.class && node instanceof ObjectNode o) {
                for (String ci : List.of("ciLower", "ciUpper")) if (o.path(ci).isMissingNode() || o.get(ci).isNull()) o.set(ci, DoubleNode.valueOf(Double.NaN));
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

    /** A study folder's {@value #RESULTS_FILE}, or the JSON file itself. */
    public static Path resultsFile(Path dirOrFile) {
        return Files.isDirectory(dirOrFile) ? dirOrFile.resolve(RESULTS_FILE) : dirOrFile;
    }
}
