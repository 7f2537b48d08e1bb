package org.crossgen.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.FileTrees;
import org.crossgen.text.Tokenizer;

/**
 * crossgen's built-in base model, shipped on the classpath ({@code models/crossgen-tiny/}) and
 * unpacked once into {@code $CROSSGEN_HOME/models/} (default {@code ~/.cache/crossgen/models/}),
 * so every command has a model to run on a fresh clone. See the model card (README.md in the folder).
 */
public final class DefaultModel {
    public static final String NAME = "crossgen-tiny";
    /** The files shipped under models/crossgen-tiny/; the tokenizer is the shipped mistral-32k. */
    static final List<String> FILES = List.of("config.json", "model.safetensors", "README.md");

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
            Path tmp = FileTrees.newSiblingFolder(dir);
            for (String f : FILES) {
                try (InputStream in = DefaultModel.class.getClassLoader().getResourceAsStream("models/" + NAME + "/" + f)) {
                    if (in == null) throw new IOException("resource models/" + NAME + "/" + f + " missing from the classpath");
                    Files.copy(in, tmp.resolve(f));
                }
            }
            Tokenizer.writeMistral32k(tmp);
            try {
                AtomicFiles.moveAtomically(tmp, dir);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                FileTrees.delete(tmp); // another process unpacked it first
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
