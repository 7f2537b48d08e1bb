package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile input at the command line: one line on stderr naming the cause, exit code 1. */
class HostileCommandsTest {
    @TempDir Path tmp;

    @Test
    void anOutOfVocabularyIdIsOneLineWithoutANativeStack() {
        CliRun r = CliRun.of("generate", "--model", TestResources.stories260k().toString(), "--ids", "1,600", "--max-new-tokens", "2");
        assertEquals(1, r.exitCode());
        assertEquals("error: token id 600 is outside the model's vocabulary of 512 ids (vocab_size in config.json)", r.err().strip());
    }

    @Test
    void anEmptyTestSetFailsDataValidate() throws Exception {
        Files.writeString(tmp.resolve("test.csv"), "input,output\n");
        Files.writeString(tmp.resolve("t.yaml"), "task: sentiment\ndatasets:\n  - name: empty\n    test: test.csv\n");
        CliRun r = CliRun.of("data", "validate", "--task-file", tmp.resolve("t.yaml").toString(), "sentiment/empty");
        assertEquals(1, r.exitCode(), r.out());
        assertEquals("error: " + tmp.resolve("test.csv") + ": no records (only a header row)\n"
                + "1 error(s), 0 warning(s) in 1 dataset(s)", r.out().strip());
    }
}
