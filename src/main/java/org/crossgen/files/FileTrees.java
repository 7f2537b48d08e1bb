package org.crossgen.files;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** Folder operations the checkpoint, training and study code share. */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes {@code dir} and everything under it; nothing happens when it does not exist. Callers
     * only pass folders crossgen itself created (temporary folders, its own unfinished outputs):
     * a folder the user named is replaced through {@link AtomicFiles#replaceDirectory}, which
     * refuses one holding files crossgen did not write.
     */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Files (and links, anything but folders) under {@code dir}, as sorted relative paths with '/'. */
    public static SortedSet<String> files(Path dir) throws IOException {
        SortedSet<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) out.add(dir.relativize(p).toString().replace(File.separatorChar, '/'));
            }
        }
        return out;
    }

    /** Moves every entry of {@code from} into {@code to} (replacing same-named ones), then deletes {@code from}. */
    public static void moveContents(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) Files.move(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.delete(from);
    }

    /**
     * A new, empty folder next to {@code target} ({@code .<name>.tmp-<random>}) to build a folder in
     * before renaming it into place. Unlike {@link Files#createTempDirectory} (0700) it gets the
     * umask's permissions, so the renamed folder is readable like any other.
     */
    public static Path newSiblingFolder(Path target) throws IOException {
        Path dir = sibling(target, ".tmp");
        Files.createDirectories(dir.getParent());
        return Files.createDirectory(dir);
    }

    /** A path next to {@code target} that does not exist yet: {@code .<name>.<suffix>-<random>}. */
    static Path sibling(Path target, String suffix) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        for (int attempt = 0; ; attempt++) {
            String name = "." + abs.getFileName() + suffix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
            Path p = parent.resolve(name);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || attempt > 100) return p;
        }
    }
}
