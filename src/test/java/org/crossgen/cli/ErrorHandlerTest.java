package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One line that says what went wrong and where; a second line only when crossgen itself is at fault. */
class ErrorHandlerTest {
    @TempDir Path tmp;

    private static String handled(Exception e) {
        StringWriter err = new StringWriter();
        var cl = CrossgenCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(1, new ErrorHandler().handleExecutionException(e, cl, null));
        return err.toString();
    }

    @Test
    void fileErrorsSayWhatIsWrongWithThePath() throws IOException {
        assertEquals("error: no such file or folder: keys.txt\n", handled(new NoSuchFileException("keys.txt")));
        assertEquals("error: no such file or folder: keys.txt\n", handled(new UncheckedIOException(new NoSuchFileException("keys.txt"))));
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        assertEquals("error: " + file + " is a file; a folder is needed there\n", handled(new FileAlreadyExistsException(file.toString())));
    }

    @Test
    void anOutputFileThatIsAFolderIsNamed() throws IOException {
        Path study = tmp.resolve("study");
        try (var store = org.crossgen.study.ResultStore.open(study)) {
            store.rows();
        }
        Path folder = Files.createDirectories(tmp.resolve("out.csv"));
        CliRun r = CliRun.of("study", "export", study.toString(), "--csv", folder.toString());
        assertEquals(1, r.exitCode());
        assertEquals("error: " + folder + " is a folder; give the path of a file to write\n", r.err());
    }

    @Test
    void aProgramBugSaysSoAndHowToSeeWhere() {
        assertEquals("error: NullPointerException\n" + ErrorHandler.BUG_HINT + "\n", handled(new NullPointerException()));
        assertEquals("error: / by zero\n" + ErrorHandler.BUG_HINT + "\n", handled(new ArithmeticException("/ by zero")));
        assertEquals("error: --lora: unknown keys [x]\n", handled(new IllegalArgumentException("--lora: unknown keys [x]")));
    }
}
