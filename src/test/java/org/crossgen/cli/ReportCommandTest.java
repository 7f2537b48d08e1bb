package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crossgen report} on exported rows, end to end through the command line. */
class ReportCommandTest {
    @TempDir Path dir;

    private static final String ROWS = """
            [
              {"baseModel": "tiny", "method": "base", "trainDataset": "", "trainSize": 0, "trainShots": 0, "seed": 0,
               "evalDataset": "summary/xsum", "evalTask": "summary", "template": 1, "shots": 0, "metric": "rougeL",
               "value": 0.30, "ciLower": 0.29, "ciUpper": 0.31, "n": 100},
              {"baseModel": "tiny", "method": "base", "trainDataset": "", "trainSize": 0, "trainShots": 0, "seed": 0,
               "evalDataset": "summary/cnn", "evalTask": "summary", "template": 1, "shots": 0, "metric": "rougeL",
               "value": 0.20, "ciLower": null, "n": 100},
              {"baseModel": "tiny", "method": "ft", "trainDataset": "summary/xsum", "trainSize": 1000, "trainShots": 0, "seed": 1,
               "evalDataset": "summary/cnn", "evalTask": "summary", "template": 1, "shots": 0, "metric": "rougeL",
               "value": 0.15, "ciLower": 0.14, "ciUpper": 0.16, "n": 100}
            ]
            """;

    @Test
    void writesTheReportAndPrintsTheFindings() throws IOException {
        Path rows = Files.writeString(dir.resolve("rows.json"), ROWS);
        CliRun r = CliRun.of("report", rows.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("out/report.html")));
        assertTrue(Files.isRegularFile(dir.resolve("out/report.md")));
        // one pair, whose base cell has no interval: a value without an interval is inconclusive
        assertTrue(r.out().contains("1a Generation-task FT models lose out-of-domain vs the base model: mean ΔROUGE-L"), r.out());
        assertTrue(r.out().contains("= -0.0500 [no interval] over 1 pair → inconclusive (no interval)"), r.out());
        assertTrue(r.out().contains("1b Classification-task FT models gain out-of-domain vs the base model: no pairs to measure → not evaluated"), r.out());
        assertTrue(r.out().contains("wrote " + dir.resolve("out/report.html").toAbsolutePath()), r.out());
    }

    @Test
    void aStudyFolderGetsItsReportInside() throws IOException {
        Files.writeString(dir.resolve("results.json"), "{\"results\": " + ROWS + "}");
        CliRun r = CliRun.of("report", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("report/report.html")));
        assertTrue(Files.readString(dir.resolve("report/report.md")).strip().endsWith("Made with: not recorded (results from before "
                + "crossgen recorded its version, or from outside a study)."), "results without provenance say so");
        // the provenance lines of results.json are the report's last line, in the HTML too
        Files.writeString(dir.resolve("results.json"), "{\"results\": " + ROWS + ", \"provenance\": [\"crossgen 0.1.0 (git "
                + "0123456789ab), libtorch 2.10.0, cpu, float32: 2 evaluation cells\"]}");
        assertEquals(0, CliRun.of("report", dir.toString()).exitCode());
        assertTrue(Files.readString(dir.resolve("report/report.html")).contains("<p>Made with: crossgen 0.1.0 (git 0123456789ab), "
                + "libtorch 2.10.0, cpu, float32: 2 evaluation cells.</p>\n<pre id=\"selfcheck\">"));
    }

    @Test
    void aBadRecordIsNamedByFileAndIndex() throws IOException {
        Path rows = Files.writeString(dir.resolve("bad.json"), ROWS.replace("\"method\": \"ft\"", "\"method\": \"lora\""));
        CliRun r = CliRun.of("report", rows.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("bad.json, results record 2: unknown method \"lora\"; known: [base, ft, fticl]"), r.err());
    }

    @Test
    void aMissingInputIsAnError() {
        CliRun r = CliRun.of("report", dir.resolve("nothing.json").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("nothing.json: no such file"), r.err());
    }

    /** {@code --out} naming a study folder, the user's folder or a file: refused, exit 1, nothing deleted. */
    @Test
    void outNeverDeletesWhatCrossgenDidNotWrite() throws IOException {
        Path rows = Files.writeString(dir.resolve("rows.json"), ROWS);
        Path study = Files.createDirectories(dir.resolve("study"));
        Files.writeString(study.resolve("study.db"), "results");
        Files.createDirectories(study.resolve("models/abc"));
        Files.writeString(study.resolve("models/abc/model.safetensors"), "weights");
        Path file = Files.writeString(dir.resolve("afile"), "text");
        for (Path out : java.util.List.of(study, file, dir)) {
            CliRun r = CliRun.of("report", rows.toString(), "--out", out.toString());
            assertEquals(1, r.exitCode(), out.toString());
            assertTrue(r.err().startsWith("error: " + out.toAbsolutePath().normalize() + " "), r.err());
        }
        assertEquals("results", Files.readString(study.resolve("study.db")));
        assertEquals("weights", Files.readString(study.resolve("models/abc/model.safetensors")));
        assertEquals("text", Files.readString(file));
        assertTrue(Files.isRegularFile(rows));
    }
}
