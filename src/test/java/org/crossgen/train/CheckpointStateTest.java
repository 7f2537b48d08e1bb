package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged trainer_state.json stops a resume with one line naming the file. */
class CheckpointStateTest {
    @TempDir Path tmp;

    @Test
    void malformedStateNamesTheFile() throws IOException {
        Path folder = Files.createDirectories(Checkpoint.folder(tmp, 3));
        Files.writeString(folder.resolve(Checkpoint.STATE), "{\"step\": 3,");
        IOException e = assertThrows(IOException.class, () -> Checkpoint.readState(folder));
        assertEquals(folder.resolve(Checkpoint.STATE) + ": trainer state is not valid JSON at line 1, column 12: "
                + "Unexpected end-of-input within/between Object entries", e.getMessage());
        Files.writeString(folder.resolve(Checkpoint.STATE), "[3]");
        assertEquals(folder.resolve(Checkpoint.STATE) + ": trainer state must be a JSON object, got array",
                assertThrows(IOException.class, () -> Checkpoint.readState(folder)).getMessage());
    }
}
