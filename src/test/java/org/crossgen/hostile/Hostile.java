package org.crossgen.hostile;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.junit.jupiter.api.function.Executable;

/** Builders of hostile inputs, made on the fly by each test, and the one way the suite expects them refused. */
final class Hostile {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A hang guard, not a performance bound: every refusal here takes well under a second. */
    static final Duration BOUND = Duration.ofSeconds(30);
    /** A 2-layer Llama small enough to save and load in milliseconds. */
    static final LlamaConfig SMALL = LlamaConfig.of(64, 16, 2, 2, 1, 32, true);

    private Hostile() {}

    /** Runs {@code action}, which must throw {@code type} within {@link #BOUND}; returns the exception. */
    static <T extends Throwable> T refused(Class<T> type, Executable action) {
        return assertTimeoutPreemptively(BOUND, () -> assertThrows(type, action));
    }

    /** A named pipe at {@code path}: opening it for reading blocks until a writer comes, which none does. */
    static Path fifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assumeTrue(p.waitFor() == 0, "mkfifo is not available here");
        return path;
    }

    /** A file with the safetensors framing around {@code header} (as given, unchecked) and {@code dataBytes} zero bytes. */
    static Path safetensors(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
        return file;
    }

    /** {@link #SMALL}, seeded, saved as a Hugging Face folder. */
    static Path smallModel(Path dir) throws IOException {
        try (LlamaModel m = LlamaModel.random(SMALL, 1, DType.FLOAT32, ComputeDevice.CPU)) {
            m.save(dir);
        }
        return dir;
    }

    /** Rewrites {@code dir/config.json} after {@code edit}. */
    static void editConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        Path file = dir.resolve("config.json");
        ObjectNode c = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(c);
        Files.writeString(file, JSON.writeValueAsString(c));
    }
}
