package org.crossgen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/** What {@code --json} prints: one pretty-printed JSON document on stdout, field names as in crossgen's files. */
final class JsonOutput {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonOutput() {}

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static void print(PrintWriter out, Object document) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        out.flush();
    }
}
