package org.crossgen.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteReplacesTheFileWithOrdinaryPermissionsAndLeavesNoTemporary() throws IOException {
        Path ordinary = Files.writeString(dir.resolve("ordinary"), "x");
        Path target = dir.resolve("sub/results.json");
        AtomicFiles.writeString(target, "old");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(target));
        assertEquals(List.of("ordinary", "sub"), names());
        try (Stream<Path> s = Files.list(dir.resolve("sub"))) {
            assertEquals(List.of("results.json"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFiles.writeString(target, "complete");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("no space left on device");
        }));
        assertEquals("complete", Files.readString(target));
        assertEquals(List.of("model.safetensors"), names());
    }

    @Test
    void aFolderMovesWholeButNeverOverAFolderWithFiles() throws IOException {
        Path built = FileTrees.newSiblingFolder(dir.resolve("model"));
        assertTrue(built.getFileName().toString().startsWith(".model.tmp-"), built.toString());
        Files.writeString(built.resolve("config.json"), "{}");
        Path model = dir.resolve("model");
        AtomicFiles.moveAtomically(built, model);
        assertEquals("{}", Files.readString(model.resolve("config.json")));
        Path other = FileTrees.newSiblingFolder(model);
        Files.writeString(other.resolve("config.json"), "{\"other\": 1}");
        assertThrows(DirectoryNotEmptyException.class, () -> AtomicFiles.moveAtomically(other, model));
        assertEquals("{}", Files.readString(model.resolve("config.json")));
    }
}
