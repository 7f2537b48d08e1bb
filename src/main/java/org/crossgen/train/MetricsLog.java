package org.crossgen.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per optimizer step
 * ({@code step, epoch, loss, lr, grad_norm, tokens, tokens_per_s, elapsed_s}), flushed as written
 * so a killed run keeps its curve. A resumed run first drops lines past its checkpoint's step.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;

    private MetricsLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code file}, keeping only lines with {@code step <= keepUpTo} (0: start empty). */
    static MetricsLog open(Path file, long keepUpTo) throws IOException {
        List<String> kept = new ArrayList<>();
        if (keepUpTo > 0 && Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    if (JSON.readTree(line).path("step").asLong(Long.MAX_VALUE) <= keepUpTo) kept.add(line);
                } catch (IOException torn) {
                    // a line cut by a kill: drop it
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, kept, StandardCharsets.UTF_8);
        return new MetricsLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    void append(StepMetrics m) throws IOException {
        ObjectNode j = JSON.createObjectNode();
        j.put("step", m.step());
        j.put("epoch", m.epoch());
        j.put("loss", m.loss());
        j.put("lr", m.lr());
        j.put("grad_norm", m.gradNorm());
        j.put("tokens", m.tokens());
        j.put("tokens_per_s", m.tokensPerS());
        j.put("elapsed_s", m.elapsedS());
        out.write(JSON.writeValueAsString(j));
        out.write('\n');
        out.flush();
    }

    /** Every (step, loss) in the file, in order. */
    public static List<double[]> losses(Path file) throws IOException {
        List<double[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            JsonNode j = JSON.readTree(line);
            out.add(new double[] {j.path("step").asDouble(), j.path("loss").asDouble()});
        }
        return out;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
