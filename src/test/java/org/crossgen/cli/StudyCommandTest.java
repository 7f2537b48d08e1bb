package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyCommandTest {
    @TempDir Path tmp;

    private Path spec(String extra) throws Exception {
        TinyModels.withTokenizer(tmp.resolve("tiny"), 3);
        Path f = tmp.resolve("mini.yaml");
        Files.writeString(f, """
                # crossgen study run mini.yaml
                models: [tiny]
                methods: [base]
                eval_sets: [sentiment/yelp]
                templates: [0, 1]
                limits: {eval_records: 3, max_length: 256}
                """ + extra);
        return f;
    }

    @Test
    void planRunStatusExport() throws Exception {
        Path spec = spec("");
        Path dir = tmp.resolve("runs/mini");
        CliRun plan = CliRun.of("study", "plan", spec.toString(), "--dir", dir.toString());
        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(plan.out().contains("training jobs: 0 (0 done)"), plan.out());
        assertTrue(plan.out().contains("evaluation cells: 2 (0 done)"), plan.out());
        assertTrue(plan.out().contains("base tiny -> sentiment/yelp t1 k0  3 records"), plan.out());
        assertTrue(plan.out().contains("evaluation 6 records at 4.00 records/s (assumed)"), plan.out());

        CliRun run = CliRun.of("study", "run", spec.toString(), "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("cells done 2/2"), run.out());
        assertTrue(run.err().contains("evaluation [##############################] 2/2 100%"), run.err());
        assertFalse(run.err().contains("\r"), "stderr is not a terminal: plain lines, no redraws");

        CliRun again = CliRun.of("study", "plan", spec.toString(), "--dir", dir.toString(), "--brief");
        assertTrue(again.out().contains("evaluation cells: 2 (2 done)"), again.out());
        assertTrue(again.out().contains("(measured)"), again.out());

        CliRun status = CliRun.of("study", "status", dir.toString());
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("evaluation: done 2, running 0, failed 0, left 0 (of 2)"), status.out());
        assertTrue(status.out().contains("ETA: 0s"), status.out());

        Path csv = tmp.resolve("out.csv"), json = tmp.resolve("out.json");
        CliRun export = CliRun.of("study", "export", dir.toString(), "--csv", csv.toString(), "--json", json.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertEquals(3, Files.readAllLines(csv).size());
        assertEquals(2, new ObjectMapper().readTree(json.toFile()).size());
    }

    @Test
    void statusNamesThePathItWasGiven() throws Exception {
        Path missing = tmp.resolve("missing").toAbsolutePath();
        CliRun gone = CliRun.of("study", "status", missing.toString());
        assertEquals(1, gone.exitCode());
        assertEquals("error: no such file or folder: " + missing + " (give a study spec or a study folder)\n", gone.err());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun notStudy = CliRun.of("study", "status", empty.toString());
        assertEquals("error: no study in " + empty + " (no study.db); start it with crossgen study run\n", notStudy.err());
    }

    @Test
    void aBadSpecFailsBeforeAnyWorkListingItsProblems() throws Exception {
        Path spec = spec("eval_shots: [9]\nscoring: best\n");
        CliRun run = CliRun.of("study", "run", spec.toString(), "--dir", tmp.resolve("d").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("error: " + spec + ": 2 problems\n"), run.err());
        assertTrue(run.err().contains(spec + ": eval_shots[0]: 9 shots exceed the demonstration pool of sentiment/yelp (sentiment/few_shot/yelp_few_shot.json holds 8)"), run.err());
        assertTrue(!Files.exists(tmp.resolve("d")), "the study folder was created for a bad spec");
    }

    /** The real trainer: FT and FTICL jobs train, their models are evaluated, drift and report are written. */
    @Test
    void fineTuningStudyTrainsEvaluatesAndReports() throws Exception {
        Path spec = spec("""
                train_datasets: [sentiment/amazon]
                fticl_shots: [1]
                training: {epochs: 1, lr: 1.0e-3, batch_size: 4, max_length: 256}
                """);
        Files.writeString(spec, Files.readString(spec).replace("methods: [base]", "methods: [base, ft, fticl]")
                .replace("eval_records: 3,", "eval_records: 3, train_records: 8,").replace("templates: [0, 1]", "templates: [0]"));
        Path dir = tmp.resolve("d");
        String overlap = "sentiment/few_shot/amazon_few_shot.json: 1 warning(s), first: record 6: demonstration is also record 156";
        CliRun plan = CliRun.of("study", "plan", spec.toString(), "--dir", dir.toString(), "--brief");
        assertTrue(plan.out().contains("data warnings (crossgen data validate lists every record):\n  "
                + overlap), plan.out());
        CliRun run = CliRun.of("study", "run", spec.toString(), "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("trained 2 job(s), evaluated 3 cell(s) in this run"), run.out());
        assertTrue(Files.readString(dir.resolve("report/report.md")).contains("## Data\n"), "the report has a data section");
        assertTrue(Files.readString(dir.resolve("report/report.md")).contains("- " + overlap));
        try (var models = Files.list(dir.resolve("models"))) {
            for (Path m : models.toList()) {
                for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "metrics.jsonl", "drift.json"}) {
                    assertTrue(Files.exists(m.resolve(f)), m + " lacks " + f);
                }
            }
        }
        assertTrue(Files.exists(dir.resolve("report/report.html")), run.out());
        assertTrue(new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("drift").size() > 0);
        CliRun again = CliRun.of("study", "run", spec.toString(), "--dir", dir.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("trained 0 job(s), evaluated 0 cell(s) in this run"), again.out());
    }

    /**
     * kill -9 in the middle of a real study (training and evaluation in a child JVM), then a restart:
     * the results equal those of an uninterrupted run, and no finished cell is computed again.
     */
    @Test
    void killedStudyRestartsToIdenticalResults() throws Exception {
        Path spec = spec("""
                train_datasets: [sentiment/amazon]
                training: {epochs: 1, lr: 1.0e-3, batch_size: 4, max_length: 256}
                """);
        Files.writeString(spec, Files.readString(spec).replace("methods: [base]", "methods: [base, ft]")
                .replace("eval_records: 3,", "eval_records: 3, train_records: 8,")
                .replace("eval_sets: [sentiment/yelp]", "eval_sets: [sentiment/yelp, detection/qqp, question/tweetqa]"));
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        assertEquals(0, CliRun.of("study", "run", spec.toString(), "--dir", whole.toString()).exitCode());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrossgenCommand.class.getName(),
                "study", "run", spec.toString(), "--dir", killed.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (doneCells(killed) < 2 && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(child.isAlive(), "the study finished before it could be killed: " + Files.readString(tmp.resolve("child.log")));
        child.destroyForcibly().waitFor();
        int doneBeforeRestart = doneCells(killed);

        CliRun restart = CliRun.of("study", "run", spec.toString(), "--dir", killed.toString());
        assertEquals(0, restart.exitCode(), restart.err());
        int total = 2 * 2 * 3; // (base, ft) x 3 sets x 2 templates
        assertTrue(restart.out().contains("evaluated " + (total - doneBeforeRestart) + " cell(s) in this run"), restart.out());
        Path a = tmp.resolve("a.json"), b = tmp.resolve("b.json");
        CliRun.of("study", "export", whole.toString(), "--json", a.toString());
        CliRun.of("study", "export", killed.toString(), "--json", b.toString());
        assertEquals(new ObjectMapper().readTree(a.toFile()), new ObjectMapper().readTree(b.toFile()));
    }

    /** Cells marked done in a study folder's store (0 before the store exists). */
    static int doneCells(Path dir) throws Exception {
        if (!Files.exists(dir.resolve("study.db"))) return 0;
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("study.db"));
             var r = c.createStatement().executeQuery("SELECT count(*) FROM cells WHERE state = 'done'")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (java.sql.SQLException busy) {
            return 0; // the child holds the lock right now; ask again
        }
    }
}
