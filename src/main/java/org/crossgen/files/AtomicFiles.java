package org.crossgen.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes that are all-or-nothing: content goes to a temporary file (or folder) next to the
 * target, is forced to disk, then renamed over the target. A reader sees the old file or the new
 * one, never half of one, even if the process is killed mid-write.
 *
 * <p>Everything written here gets ordinary permissions (0644 files, 0755 folders under the usual
 * umask of 022): results and checkpoints are meant to be read by colleagues on a shared
 * filesystem, which {@link Files#createTempFile} (0600) and {@link Files#createTempDirectory}
 * (0700) would prevent.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a whole file (or fills a whole folder) at the given temporary path. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path tmp) throws IOException;
    }

    /** Writes {@code target} through {@code writer}, replacing an existing file in one rename. */
    public static void write(Path target, Writer writer) throws IOException {
        if (Files.isDirectory(target)) throw new IOException(target + " is a folder; give the path of a file to write");
        Path tmp = FileTrees.sibling(target, ".tmp");
        Files.createDirectories(tmp.getParent());
        Files.createFile(tmp); // permissions from the umask, unlike createTempFile's owner-only 0600
        try {
            writer.writeTo(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Renames {@code from} to {@code to} in one step: a reader sees either nothing or the whole
     * file or folder. An existing file {@code to} is replaced; an existing non-empty folder is not
     * (the move fails), so callers decide what may be replaced. Where the filesystem cannot rename
     * atomically (another filesystem), it falls back to a plain move.
     */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileSystemException e) {
            // rename(2) onto a folder with files fails with ENOTEMPTY, which Java reports as a bare FileSystemException
            if (e instanceof DirectoryNotEmptyException || !Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) throw e;
            DirectoryNotEmptyException notEmpty = new DirectoryNotEmptyException(to.toString());
            notEmpty.initCause(e);
            throw notEmpty;
        }
    }

    /**
     * Writes a whole folder all-or-nothing: {@code contents} fills a new folder next to
     * {@code target}, a file named {@code marker} listing every file written is added, and the
     * folder is renamed into place (an older one is moved aside first, then deleted).
     *
     * <p>It replaces only what it may: a {@code target} that does not exist, an empty folder, or
     * a folder written by an earlier call with the same marker that holds nothing but the files
     * its marker lists. Anything else (a file, the user's folder, a study folder, the current
     * directory) is refused with an {@link IOException} naming the path and an unexpected entry,
     * before anything is written, so a mistyped output path never deletes the user's files.
     */
    public static void replaceDirectory(Path target, String marker, Writer contents) throws IOException {
        Path dir = target.toAbsolutePath().normalize();
        checkReplaceable(dir, marker);
        Path tmp = FileTrees.newSiblingFolder(dir);
        try {
            contents.writeTo(tmp);
            List<String> files = new ArrayList<>(FileTrees.files(tmp));
            files.remove(marker);
            writeString(tmp.resolve(marker), String.join("\n", files) + "\n");
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Path old = FileTrees.sibling(dir, ".old");
                moveAtomically(dir, old);
                moveAtomically(tmp, dir);
                FileTrees.delete(old);
            } else {
                moveAtomically(tmp, dir);
            }
        } finally {
            FileTrees.delete(tmp);
        }
    }

    /** Refuses, naming the reason, unless {@code dir} is absent, empty, or holds only what its marker lists. */
    private static void checkReplaceable(Path dir, String marker) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " exists and is not a folder; give a folder to create, or one written by crossgen before");
        }
        Set<String> present = FileTrees.files(dir);
        if (present.isEmpty()) return;
        if (!present.contains(marker)) {
            throw new IOException(dir + " is not empty and was not written by crossgen (no " + marker + " in it), so it is not "
                    + "replaced; give a new or empty folder");
        }
        Set<String> listed = new TreeSet<>(Files.readAllLines(dir.resolve(marker)));
        for (String f : present) {
            if (!f.equals(marker) && !listed.contains(f)) {
                throw new IOException(dir + " holds " + f + ", which crossgen did not write there, so the folder is not replaced; "
                        + "move that file away or give another folder");
            }
        }
    }
}
