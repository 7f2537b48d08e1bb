package org.crossgen.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder operations the checkpoint, training and study code share. */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code dir} and everything under it; nothing happens when it does not exist. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Moves every entry of {@code from} into {@code to} (replacing same-named ones), then deletes {@code from}. */
    public static void moveContents(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) Files.move(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.delete(from);
    }
}
