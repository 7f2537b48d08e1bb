package org.crossgen.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * crossgen's built-in base model, shipped on the classpath ({@code models/crossgen-tiny/}) and
 * unpacked once into {@code $CROSSGEN_HOME/models/} (default {@code ~/.cache/crossgen/models/}),
 * so every command has a model to run on a fresh clone. See the model card (README.md in the folder).
 */
public final class DefaultModel {
    public static final String NAME = "crossgen-tiny";
    /** Resource of each unpacked file: the weights and card here, the tokenizer from the shipped mistral-32k. */
    static final Map<String, String> FILES = Map.of(
            "config.json", "models/" + NAME + "/config.json",
            "model.safetensors", "models/" + NAME + "/model.safetensors",
            "README.md", "models/" + NAME + "/README.md",
            "tokenizer.json", "tokenizers/mistral-32k/tokenizer.json",
            "tokenizer_config.json", "tokenizers/mistral-32k/tokenizer_config.json");

    private DefaultModel() {}

    /** True when this build ships the default model. */
    public static boolean available() {
        return DefaultModel.class.getClassLoader().getResource("models/" + NAME + "/config.json") != null;
    }

    /** The unpacked model folder (unpacked on first use; a concurrent first use is safe). */
    public static Path path() {
        if (!available()) throw new IllegalStateException("this build has no default model (models/" + NAME + " missing from the classpath)");
        try {
            String version = Integer.toHexString(java.util.Arrays.hashCode(read("config.json")) ^ Long.hashCode(size("model.safetensors")));
            Path dir = home().resolve("models").resolve(NAME + "-" + version);
            if (Files.exists(dir.resolve("model.safetensors"))) return dir;
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "." + NAME + "-");
            for (Map.Entry<String, String> f : FILES.entrySet()) {
                try (InputStream in = DefaultModel.class.getClassLoader().getResourceAsStream(f.getValue())) {
                    if (in == null) throw new IOException("resource " + f.getValue() + " missing from the classpath");
                    Files.copy(in, tmp.resolve(f.getKey()));
                }
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another process unpacked it first
                try (var s = Files.walk(tmp)) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the default model: " + e.getMessage(), e);
        }
    }

    static Path home() {
        String env = System.getenv("CROSSGEN_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "crossgen");
    }

    private static byte[] read(String file) throws IOException {
        try (InputStream in = DefaultModel.class.getClassLoader().getResourceAsStream("models/" + NAME + "/" + file)) {
            return in.readAllBytes();
        }
    }

    private static long size(String file) throws IOException {
        var url = DefaultModel.class.getClassLoader().getResource("models/" + NAME + "/" + file);
        return url.openConnection().getContentLengthLong();
    }
}
