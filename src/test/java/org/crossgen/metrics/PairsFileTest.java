package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairsFileTest {
    @TempDir Path dir;

    @Test
    void readsPairsSkippingBlankLinesAndIgnoringOtherFields() throws IOException {
        Path file = write("{\"reference\": \"r1\", \"hypothesis\": \"h1\", \"id\": 7}\n\n"
                + "{\"hypothesis\": \"Café\\nline\", \"reference\": \"\"}\n");
        assertEquals(List.of(new TextPair("r1", "h1"), new TextPair("", "Café\nline")), PairsFile.read(file));
    }

    @Test
    void malformedLineNamesFileAndLine() throws IOException {
        Path file = write("{\"reference\": \"a\", \"hypothesis\": \"b\"}\n\n{\"reference\": \"a\", \n");
        assertMessage(file + ", line 3: malformed JSON: ", file);
    }

    @Test
    void trailingGarbageIsMalformed() throws IOException {
        Path file = write("{\"reference\": \"a\", \"hypothesis\": \"b\"} x\n");
        assertMessage(file + ", line 1: malformed JSON: ", file);
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        Path file = write("{\"reference\": \"a\"}\n");
        assertMessage(file + ", line 1: missing field 'hypothesis'", file);
    }

    @Test
    void nonStringFieldIsNamedWithTheValueFound() throws IOException {
        Path file = write("{\"reference\": 42, \"hypothesis\": \"b\"}\n");
        assertMessage(file + ", line 1: field 'reference' must be a string, got 42", file);
        Path nulls = write("{\"reference\": \"a\", \"hypothesis\": null}\n");
        assertMessage(nulls + ", line 1: field 'hypothesis' must be a string, got null", nulls);
    }

    @Test
    void nonObjectLineIsRejected() throws IOException {
        Path file = write("[\"a\", \"b\"]\n");
        assertMessage(file + ", line 1: expected a JSON object, got [\"a\", \"b\"]", file);
    }

    @Test
    void emptyOrMissingFileIsAnError() throws IOException {
        Path empty = write("\n");
        assertMessage(empty + ": no pairs (the file is empty)", empty);
        Path missing = dir.resolve("missing.jsonl");
        assertMessage(missing + ": no such file", missing);
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "pairs", ".jsonl");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static void assertMessage(String prefix, Path file) {
        PairsFormatException e = assertThrows(PairsFormatException.class, () -> PairsFile.read(file));
        assertEquals(prefix, e.getMessage().substring(0, Math.min(prefix.length(), e.getMessage().length())),
                () -> "message was: " + e.getMessage());
    }
}
