package org.crossgen.metrics;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.files.InputFiles;

/**
 * Reads (reference, hypothesis) pairs from UTF-8 JSONL: one object per line with string fields
 * {@code reference} and {@code hypothesis}; other fields are ignored, blank lines skipped. The
 * whole file is validated before anything is returned, so a bad line stops the run before any
 * output is written.
 */
public final class PairsFile {
    // Trailing tokens fail too: '{"reference": "a", "hypothesis": "b"} x' is not one record.
    // A key twice fails too: which reference would be meant?
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** A byte-order mark some editors write first; not part of the first record. */
    private static final String BOM = "\uFEFF";

    private PairsFile() {}

    /** The pairs in file order; at least one. */
    public static List<TextPair> read(Path file) throws IOException {
        String why = InputFiles.notRegular(file); // a FIFO would block the read forever
        if (why != null) throw new PairsFormatException(file, 0, why.equals("not found") ? "no such file" : why);
        List<TextPair> pairs = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith(BOM)) line = line.substring(1);
                if (!line.isBlank()) pairs.add(parse(file, lineNumber, line));
            }
        } catch (NoSuchFileException e) {
            throw new PairsFormatException(file, 0, "no such file");
        } catch (CharacterCodingException e) {
            throw new PairsFormatException(file, 0, "not valid UTF-8");
        }
        if (pairs.isEmpty()) throw new PairsFormatException(file, 0, "no pairs (the file is empty)");
        return pairs;
    }

    private static TextPair parse(Path file, int lineNumber, String line) throws PairsFormatException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new PairsFormatException(file, lineNumber, "malformed JSON: " + InputFiles.message(e));
        }
        if (node == null || !node.isObject()) {
            throw new PairsFormatException(file, lineNumber, "expected a JSON object, got " + line.strip());
        }
        return new TextPair(text(file, lineNumber, node, "reference"), text(file, lineNumber, node, "hypothesis"));
    }

    private static String text(Path file, int lineNumber, JsonNode record, String field) throws PairsFormatException {
        JsonNode value = record.get(field);
        if (value == null) throw new PairsFormatException(file, lineNumber, "missing field '" + field + "'");
        if (!value.isTextual()) {
            throw new PairsFormatException(file, lineNumber, "field '" + field + "' must be a string, got " + value);
        }
        return value.textValue();
    }
}
