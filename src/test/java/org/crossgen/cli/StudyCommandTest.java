package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.testing.TinyModels;
import org.crossgen.testing.WeightFiles;
import org.junit.jupiter.api.Tag;
import org.crossgen.tensor.Provenance;
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
        String madeWith = Provenance.of("cpu", "float32").line() + ": 2 evaluation cells";
        assertEquals(madeWith, new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("provenance").get(0).asText());
        assertTrue(Files.readString(dir.resolve("report/report.md")).strip().endsWith("Made with: " + madeWith + "."),
                "the report's last line says which crossgen, libtorch, device and dtype made it");

        CliRun again = CliRun.of("study", "plan", spec.toString(), "--dir", dir.toString(), "--brief");
        assertTrue(again.out().contains("evaluation cells: 2 (2 done)"), again.out());
        assertTrue(again.out().contains("(measured)"), again.out());

        CliRun status = CliRun.of("study", "status", dir.toString());
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("evaluation: done 2, running 0, failed 0, left 0 (of 2)"), status.out());
        assertTrue(status.out().contains("ETA: 0s"), status.out());

        // --json: the same facts for scripts; the spec's folder by --out, or the old --dir
        CliRun planJson = CliRun.of("study", "plan", spec.toString(), "--dir", dir.toString(), "--json");
        assertEquals(0, planJson.exitCode(), planJson.err());
        JsonNode p = new ObjectMapper().readTree(planJson.out());
        assertEquals(List.of(true, 0, 2, 2, "done", 3, 6L), List.of(p.get("started").asBoolean(), p.get("training_jobs").asInt(),
                p.get("cells").asInt(), p.get("cells_done").asInt(), p.at("/cell_list/0/state").asText(), p.at("/cell_list/0/records").asInt(),
                p.at("/cost/eval_records").asLong()));
        assertEquals("base tiny -> sentiment/yelp t0 k0", p.at("/cell_list/0/label").asText());
        CliRun statusJson = CliRun.of("study", "status", spec.toString(), "--out", dir.toString(), "--json");
        assertEquals(0, statusJson.exitCode(), statusJson.err());
        JsonNode s = new ObjectMapper().readTree(statusJson.out());
        assertEquals(List.of(2, 0, 0, 0), List.of(s.at("/cells/done").asInt(), s.at("/cells/running").asInt(), s.at("/cells/failed").asInt(),
                s.at("/cells/left").asInt()));
        assertEquals(dir.toString(), s.get("folder").asText());
        assertEquals(0.0, s.get("etaSeconds").asDouble());

        Path csv = tmp.resolve("out.csv"), json = tmp.resolve("out.json");
        CliRun export = CliRun.of("study", "export", dir.toString(), "--csv-file", csv.toString(), "--json-file", json.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertEquals(3, Files.readAllLines(csv).size());
        assertEquals(2, new ObjectMapper().readTree(json.toFile()).size());
        Path old = tmp.resolve("old.json");
        CliRun oldSpelling = CliRun.of("study", "export", dir.toString(), "--json", old.toString());
        assertEquals(0, oldSpelling.exitCode(), oldSpelling.err());
        assertEquals(Files.readString(json), Files.readString(old));
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
        // the trainer measured drift; a model without drift.json (an older study's) is measured by the export
        int driftRows = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("drift").size();
        Path model;
        try (var models = Files.list(dir.resolve("models"))) {
            model = models.findFirst().orElseThrow();
        }
        Files.delete(model.resolve("drift.json"));
        assertEquals(0, CliRun.of("study", "run", spec.toString(), "--dir", dir.toString()).exitCode());
        assertTrue(Files.exists(model.resolve("drift.json")));
        assertEquals(driftRows, new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("drift").size());
    }

    /** FT on 8 amazon records; base and FT evaluated on 3 sets of 3 tasks under 2 templates: 1 job, 12 cells. */
    private Path fineTuneOnThreeSets() throws Exception {
        Path spec = spec("""
                train_datasets: [sentiment/amazon]
                training: {epochs: 1, lr: 1.0e-3, batch_size: 4, max_length: 256}
                """);
        Files.writeString(spec, Files.readString(spec).replace("methods: [base]", "methods: [base, ft]")
                .replace("eval_records: 3,", "eval_records: 3, train_records: 8,")
                .replace("eval_sets: [sentiment/yelp]", "eval_sets: [sentiment/yelp, detection/qqp, question/tweetqa]"));
        return spec;
    }

    /**
     * study run --workers 2: a second worker JVM shares the study through its store; every cell is
     * evaluated once, the results equal one worker's, the worker's log is kept, and the summary
     * counts the work of both.
     */
    @Test
    void twoWorkersShareAStudyToTheResultsOfOne() throws Exception {
        Path spec = fineTuneOnThreeSets();
        Path one = tmp.resolve("one"), two = tmp.resolve("two");
        CliRun single = CliRun.of("study", "run", spec.toString(), "--out", one.toString(), "--workers", "1");
        assertEquals(0, single.exitCode(), single.err());
        CliRun shared = CliRun.of("study", "run", spec.toString(), "--out", two.toString(), "--workers", "2");
        assertEquals(0, shared.exitCode(), shared.err());
        assertTrue(shared.out().contains("trained 1 job(s), evaluated 12 cell(s) in this run"), shared.out());
        assertTrue(Files.isRegularFile(two.resolve("logs/worker-1.log")), "the second worker's log");
        assertTrue(Files.exists(two.resolve("report/report.html")));
        Path a = tmp.resolve("a.json"), b = tmp.resolve("b.json");
        CliRun.of("study", "export", one.toString(), "--json", a.toString());
        CliRun.of("study", "export", two.toString(), "--json", b.toString());
        assertEquals(new ObjectMapper().readTree(a.toFile()), new ObjectMapper().readTree(b.toFile()));

        CliRun bad = CliRun.of("study", "run", spec.toString(), "--out", two.toString(), "--workers", "0");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--workers 0: expected a number >= 1 or auto"), bad.err());
    }

    /**
     * kill -9 in the middle of a real study (training and evaluation in a child JVM), then a restart:
     * the results equal those of an uninterrupted run, and no finished cell is computed again.
     */
    @Test
    void killedStudyRestartsToIdenticalResults() throws Exception {
        Path spec = fineTuneOnThreeSets();
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        assertEquals(0, CliRun.of("study", "run", spec.toString(), "--dir", whole.toString()).exitCode());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrossgenCommand.class.getName(),
                "study", "run", spec.toString(), "--dir", killed.toString(), "--workers", "1").redirectErrorStream(true)
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

    /**
     * training.ranks_per_job: 2: study plan shows the ranks and the memory plan per rank; study run
     * trains the job on 2 local ranks (each a {@code study train-rank} JVM over Gloo), to the
     * weights one rank trains (same effective batch; the tolerance, 1e-5 of each tensor's
     * largest element), and the job gets its own key.
     */
    @Test
    @Tag("slow")
    void aJobOfTwoRanksTrainsTheWeightsOfOneRank() throws Exception {
        Path spec = spec("""
                train_datasets: [sentiment/amazon]
                training: {epochs: 1, batch_size: 4, max_length: 128, ranks_per_job: 2}
                """);
        Files.writeString(spec, Files.readString(spec).replace("methods: [base]", "methods: [ft]").replace("templates: [0, 1]", "templates: [0]")
                .replace("eval_records: 3,", "eval_records: 2, train_records: 8,"));
        Path one = tmp.resolve("one.yaml");
        Files.writeString(one, Files.readString(spec).replace(", ranks_per_job: 2", ""));

        CliRun plan = CliRun.of("study", "plan", spec.toString(), "--dir", tmp.resolve("two").toString());
        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(plan.out().contains("training: 2 rank(s) per job (training.gpus_per_job), ZeRO 0, float32, activation checkpointing off; "
                + "memory plan per rank:\n  tiny ("), plan.out());
        assertTrue(plan.out().contains("    peak per rank "), plan.out());

        List<Path> models = new ArrayList<>();
        for (Path s : List.of(spec, one)) {
            Path dir = tmp.resolve(s == spec ? "two" : "one");
            CliRun run = CliRun.of("study", "run", s.toString(), "--dir", dir.toString());
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("trained 1 job(s), evaluated 1 cell(s) in this run"), run.out());
            try (var m = Files.list(dir.resolve("models"))) {
                models.add(m.filter(Files::isDirectory).findFirst().orElseThrow());
            }
        }
        assertTrue(Files.readString(models.get(0).resolve("run_card.json")).contains("\"world_size\" : 2"));
        assertNotEquals(models.get(0).getFileName(), models.get(1).getFileName(), "2 ranks and 1 rank are different jobs");
        WeightFiles.assertClose("study job on 2 ranks vs 1 rank", WeightFiles.read(models.get(1).resolve("model.safetensors")),
                WeightFiles.read(models.get(0).resolve("model.safetensors")), 1e-5);
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
