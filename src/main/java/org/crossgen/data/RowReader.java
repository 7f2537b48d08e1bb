package org.crossgen.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.files.InputFiles;

/**
 * Reads a {@link DataFile} into raw rows (one JSON node per record), before any check against a
 * task. A file that cannot be parsed at all throws {@link DatasetFormatException} naming the record
 * where parsing stopped; a row that is malformed on its own (a CSV row with the wrong number of
 * columns) is reported in {@code problems} and left out.
 */
final class RowReader {
    /** A record with a key twice has no single meaning: refuse it rather than keep the last value. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Excel's "CSV UTF-8" and some editors start a file with a byte-order mark; it is not part of the first field. */
    private static final String BOM = "\uFEFF";

    private RowReader() {}

    /** The rows of {@code file}; each is a JSON node (an object unless the file is wrong). */
    static List<Row> read(DataFile file, List<Problem> problems) {
        String text = text(file);
        return switch (file.format()) {
            case JSON -> jsonArray(file, text);
            case JSONL -> jsonLines(file, text);
            case CSV -> csv(file, text, problems);
        };
    }

    /** A raw record and its 0-based position in the file. */
    record Row(int position, JsonNode node) {}

    private static String text(DataFile file) {
        requireRegularFile(file);
        try (InputStream in = file.url().openStream()) {
            byte[] bytes = in.readAllBytes();
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith(BOM) ? text.substring(1) : text;
        } catch (FileNotFoundException e) {
            throw fatal(file, -1, "file not found (" + file.url() + ")");
        } catch (CharacterCodingException e) {
            throw fatal(file, -1, "not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(file.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A file on disk must be a regular file: a FIFO would block the read forever, and a directory's
     * URL reads as a listing of its names. (Classpath resources are the shipped files.)
     */
    private static void requireRegularFile(DataFile file) {
        if (!file.url().getProtocol().equals("file")) return;
        Path path;
        try {
            path = Path.of(file.url().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return; // not a plain file path; opening it reports the problem
        }
        String why = InputFiles.notRegular(path);
        if (why == null) return;
        throw fatal(file, -1, why.equals("not found") ? "file not found (" + file.url() + ")" : why);
    }

    private static List<Row> jsonArray(DataFile file, String text) {
        List<Row> rows = new ArrayList<>();
        try (JsonParser p = MAPPER.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw fatal(file, -1, "must be a JSON array of records, starts with "
                        + (first == null ? "nothing (empty file)" : first.asString() == null ? first : first.asString()));
            }
            try {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null) throw fatal(file, rows.size(), "file ends inside the JSON array (truncated?)");
                    rows.add(new Row(rows.size(), MAPPER.readTree(p)));
                }
                if (p.nextToken() != null) throw fatal(file, -1, "text after the closing ']' at " + where(p.currentLocation()));
            } catch (JsonProcessingException e) {
                throw fatal(file, rows.size(), "malformed JSON at " + where(e.getLocation()) + ": " + InputFiles.message(e));
            }
        } catch (IOException e) {
            throw fatal(file, rows.size(), "malformed JSON: " + e.getMessage());
        }
        return rows;
    }

    private static List<Row> jsonLines(DataFile file, String text) {
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            try {
                rows.add(new Row(rows.size(), MAPPER.readTree(lines[i])));
            } catch (JsonProcessingException e) {
                throw fatal(file, rows.size(), "malformed JSON on line " + (i + 1) + ": " + InputFiles.message(e));
            }
        }
        return rows;
    }

    private static List<Row> csv(DataFile file, String text, List<Problem> problems) {
        List<List<String>> table;
        try {
            table = CsvReader.parse(text);
        } catch (IllegalArgumentException e) {
            throw fatal(file, -1, "malformed CSV, " + e.getMessage());
        }
        if (table.isEmpty()) throw fatal(file, -1, "CSV needs a header row");
        List<String> header = table.get(0);
        for (int c = 0; c < header.size(); c++) {
            if (header.indexOf(header.get(c)) != c) throw fatal(file, -1, "the CSV header names column '" + header.get(c) + "' twice");
        }
        List<Row> rows = new ArrayList<>();
        int position = -1;
        for (List<String> cells : table.subList(1, table.size())) {
            if (cells.size() == 1 && cells.get(0).isEmpty()) continue; // blank line
            position++;
            if (cells.size() != header.size()) {
                problems.add(Problem.error(file.name(), position, "has " + cells.size() + " columns, the header "
                        + header + " has " + header.size()));
                continue;
            }
            ObjectNode node = MAPPER.createObjectNode();
            for (int c = 0; c < header.size(); c++) node.put(header.get(c), cells.get(c));
            rows.add(new Row(position, node));
        }
        return rows;
    }

    private static String where(JsonLocation loc) {
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static DatasetFormatException fatal(DataFile file, int record, String message) {
        return new DatasetFormatException(List.of(Problem.error(file.name(), record, message)));
    }
}
