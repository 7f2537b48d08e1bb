package org.crossgen.files;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one gate every input file passes before crossgen opens it: it must exist and be a regular
 * file after following links. Opening a FIFO blocks until someone writes to it, a device can be
 * endless, and reading a directory fails with a bare "Is a directory"; each of these is refused
 * here with a message that names the path and what the file was meant to be.
 */
public final class InputFiles {
    /** Duplicate keys are an error: a JSON object with a key twice has no single meaning. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private InputFiles() {}

    /**
     * Returns {@code file} when it is a regular file (links followed).
     *
     * @param what what the file is for, as messages say it: {@code "config.json"}, {@code "model weights"}
     * @throws NoSuchFileException when nothing is there
     * @throws IOException         when it is a directory, a FIFO, a socket or a device
     */
    public static Path requireRegularFile(Path file, String what) throws IOException {
        String why = notRegular(file);
        if (why == null) return file;
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, what + " " + why);
        throw new IOException(file + ": " + what + " " + why);
    }

    /**
     * Why {@code file} cannot be read as an input, e.g. {@code "is a directory, expected a file"};
     * null when it is a regular file (links followed).
     */
    public static String notRegular(Path file) {
        if (Files.isRegularFile(file)) return null;
        if (!Files.exists(file)) return "not found";
        if (Files.isDirectory(file)) return "is a directory, expected a file";
        return "is not a regular file (a FIFO, socket or device); crossgen reads only regular files";
    }

    /** {@link #requireRegularFile}, then a stream over its bytes. */
    public static InputStream open(Path file, String what) throws IOException {
        return Files.newInputStream(requireRegularFile(file, what));
    }

    /** The UTF-8 text of a regular file. */
    public static String readString(Path file, String what) throws IOException {
        return Files.readString(requireRegularFile(file, what));
    }

    /**
     * Parses a JSON file (a regular file, no key twice in an object). A parse error is one line
     * naming the file, line and column, e.g. {@code /m/config.json: not valid JSON at line 3, column 5: ...}.
     */
    public static JsonNode readJson(Path file, String what) throws IOException {
        try (InputStream in = open(file, what)) {
            JsonNode node = JSON.readTree(in);
            if (node == null || node.isMissingNode()) throw new IOException(file + ": " + what + " is empty, expected JSON");
            return node;
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": " + what + " is not valid JSON" + at(e.getLocation()) + ": " + message(e), e);
        }
    }

    /** {@link #readJson}, which must give an object. */
    public static ObjectNode readJsonObject(Path file, String what) throws IOException {
        JsonNode node = readJson(file, what);
        if (!(node instanceof ObjectNode o)) {
            throw new IOException(file + ": " + what + " must be a JSON object, got " + node.getNodeType().name().toLowerCase());
        }
        return o;
    }

    /**
     * Jackson's own words for a JSON or YAML parse error, without the placeholder it writes where
     * it does not quote the source, and with its duplicate-key message in the user's terms.
     */
    public static String message(JsonProcessingException e) {
        String m = e.getOriginalMessage().replace("[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "[");
        return m.startsWith("Duplicate field ") ? "duplicate key " + m.substring("Duplicate field ".length()) : m;
    }

    private static String at(JsonLocation loc) {
        return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}
