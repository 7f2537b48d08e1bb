package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.RecordResult;
import org.crossgen.tensor.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
    static final Duration LEASE = Duration.ofMinutes(10);
    @TempDir Path tmp;

    /** A clock tests can move. */
    static final class MovableClock extends Clock {
        long millis = 1_700_000_000_000L;

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis); }
        @Override public long millis() { return millis; }
    }

    @Test
    void twoConnectionsClaimingConcurrentlyClaimEachCellOnce() throws Exception {
        StudyPlan plan = StudyFixtures.plan(40);
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(plan);
        }
        int workers = 2;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<List<String>>> claimed = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            String worker = "host:" + (100 + w);
            claimed.add(pool.submit(() -> {
                List<String> mine = new ArrayList<>();
                try (ResultStore s = ResultStore.open(tmp)) { // one connection per worker
                    go.await();
                    for (Optional<String> k; (k = s.claimNextCell(worker, null, LEASE)).isPresent(); ) mine.add(k.get());
                }
                return mine;
            }));
        }
        go.countDown();
        List<String> all = new ArrayList<>();
        for (Future<List<String>> f : claimed) all.addAll(f.get());
        pool.shutdown();
        assertEquals(40, all.size(), "claims in total");
        assertEquals(40, new HashSet<>(all).size(), "a cell claimed twice");
        assertEquals(plan.cells().stream().map(EvalCell::key).collect(java.util.stream.Collectors.toSet()), new HashSet<>(all));
    }

    @Test
    void threadsSharingOneStoreClaimEachCellOnce() throws Exception {
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(StudyFixtures.plan(30));
            Set<String> claimed = Collections.synchronizedSet(new HashSet<>());
            List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                String worker = "host:" + w;
                threads.add(new Thread(() -> {
                    try {
                        for (Optional<String> k; (k = s.claimNextCell(worker, null, LEASE)).isPresent(); ) {
                            if (!claimed.add(k.get())) duplicates.add(k.get());
                        }
                    } catch (Exception e) {
                        duplicates.add(e.toString());
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) t.join();
            assertEquals(List.of(), duplicates);
            assertEquals(30, claimed.size());
        }
    }

    @Test
    void aLapsedLeaseMakesTheCellClaimableAndTheFirstWorkersResultIsDropped() throws Exception {
        MovableClock clock = new MovableClock();
        StudyPlan plan = StudyFixtures.plan(1);
        EvalCell cell = plan.cells().get(0);
        try (ResultStore a = ResultStore.open(tmp, clock); ResultStore b = ResultStore.open(tmp, clock)) {
            a.register(plan);
            assertEquals(Optional.of(cell.key()), a.claimNextCell("h:1", null, LEASE));
            assertFalse(b.claim(ResultStore.Table.CELLS, cell.key(), "h:2", LEASE), "claimed while the lease holds");
            clock.millis += LEASE.toMillis() - 1000;
            assertTrue(a.heartbeat(ResultStore.Table.CELLS, cell.key(), "h:1"));
            clock.millis += LEASE.toMillis() - 1000; // renewed: still held
            assertEquals(Optional.empty(), b.claimNextCell("h:2", null, LEASE));
            clock.millis += 2000; // h:1 went silent past its lease
            assertEquals(Optional.of(cell.key()), b.claimNextCell("h:2", null, LEASE));
            assertFalse(a.heartbeat(ResultStore.Table.CELLS, cell.key(), "h:1"));
            assertFalse(a.completeCell(cell.key(), "h:1", StudyFixtures.result(cell), 1.0), "stored by a worker that lost its claim");
            assertEquals(List.of(), a.rows());
            assertTrue(b.completeCell(cell.key(), "h:2", StudyFixtures.result(cell), 1.0));
            assertEquals(Optional.of(WorkState.DONE), a.state(ResultStore.Table.CELLS, cell.key()));
            assertFalse(a.claim(ResultStore.Table.CELLS, cell.key(), "h:3", Duration.ZERO), "a done cell is never claimed again");
            assertEquals(2, a.workRows(ResultStore.Table.CELLS).get(0).attempts());
        }
    }

    @Test
    void claimsOfDeadProcessesOnThisHostAreReleasedAtOnce() throws Exception {
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(StudyFixtures.plan(3));
            String dead = s.claimNextCell("here:111", null, LEASE).orElseThrow();
            String alive = s.claimNextCell("here:222", null, LEASE).orElseThrow();
            String other = s.claimNextCell("there:111", null, LEASE).orElseThrow();
            assertEquals(1, s.releaseDead("here", pid -> pid == 222));
            assertEquals(Optional.of(WorkState.PENDING), s.state(ResultStore.Table.CELLS, dead));
            assertEquals(Optional.of(WorkState.RUNNING), s.state(ResultStore.Table.CELLS, alive));
            assertEquals(Optional.of(WorkState.RUNNING), s.state(ResultStore.Table.CELLS, other));
        }
    }

    @Test
    void cellsOfAFineTunedModelWaitForTheirJob() throws Exception {
        TrainingJob job = StudyFixtures.job();
        EvalCell base = StudyFixtures.cell("id", 0);
        EvalCell tuned = new EvalCell(base.base(), job, base.task(), base.eval(), base.dtype());
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(new StudyPlan(null, List.of(job), List.of(tuned, base)));
            assertEquals(Optional.of(base.key()), s.claimNextCell("h:1", null, LEASE));
            assertEquals(Optional.empty(), s.claimNextCell("h:1", null, LEASE));
            assertEquals(Optional.of(job.key()), s.claimNextJob("h:1", LEASE));
            assertTrue(s.completeJob(job.key(), "h:1", tmp.resolve("models"), 2.0));
            assertEquals(Optional.of(tuned.key()), s.claimNextCell("h:1", null, LEASE));
        }
    }

    /** Finished work of the plan counts in the provenance lines, per build, device and dtype; other work does not. */
    @Test
    void provenanceIsRecordedPerJobAndCellAndSummedPerBuild() throws Exception {
        TrainingJob job = StudyFixtures.job();
        EvalCell a = StudyFixtures.cell("id", 0), b = StudyFixtures.cell("id", 1), pending = StudyFixtures.cell("id", 2);
        Provenance cpu = new Provenance("0.1.0", "0123456789ab", "2.10.0", "cpu", "float32");
        Provenance gpu = new Provenance("0.1.0", "0123456789ab", "2.10.0", "cuda:0", "bf16");
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(new StudyPlan(null, List.of(job), List.of(a, b, pending)));
            assertTrue(s.claim(ResultStore.Table.JOBS, job.key(), "h:1", LEASE));
            assertTrue(s.completeJob(job.key(), "h:1", tmp.resolve("models"), 2.0));
            s.recordProvenance(job.key(), StudyPhase.TRAIN, gpu);
            for (EvalCell c : List.of(a, b)) {
                assertTrue(s.claim(ResultStore.Table.CELLS, c.key(), "h:1", LEASE));
                assertTrue(s.completeCell(c.key(), "h:1", StudyFixtures.result(c), 0.5));
                s.recordProvenance(c.key(), StudyPhase.EVAL, cpu);
            }
            s.recordProvenance(pending.key(), StudyPhase.EVAL, gpu); // not done: not counted
            assertEquals(Optional.of(gpu), s.provenance(job.key()));
            assertEquals(Optional.empty(), s.provenance("no-such-key"));
            assertEquals(List.of("crossgen 0.1.0 (git 0123456789ab), libtorch 2.10.0, cuda:0, bf16: 1 training job",
                    "crossgen 0.1.0 (git 0123456789ab), libtorch 2.10.0, cpu, float32: 2 evaluation cells"), s.provenanceLines());
        }
    }

    @Test
    void rowsCarryTheFittingCountsOfTheEvaluationSummary() throws Exception {
        StudyPlan plan = StudyFixtures.plan(1);
        EvalCell c = plan.cells().get(0);
        var result = StudyFixtures.result(c);
        result.summary().put("fitting", Map.of("prompts", 3, "truncated", 2, "lost_demonstrations", 1, "dropped_demonstrations", 2,
                "input_cut", 1, "input_tokens_cut", 40));
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(plan);
            assertEquals(Optional.of(c.key()), s.claimNextCell("h:1", c.modelKey(), LEASE));
            assertTrue(s.completeCell(c.key(), "h:1", result, 0.5));
            ResultRow r = s.rows().get(0);
            assertEquals(2, r.truncated());
            assertEquals(1, r.lostDemonstrations());
            assertTrue(r.lostDemonstrationsOften(), "1 of 3 records is more than 1%");
            Path csv = tmp.resolve("rows.csv");
            s.exportCsv(csv);
            assertTrue(Files.readAllLines(csv).get(0).endsWith(",n,truncated,lost_demonstrations"));
            assertTrue(Files.readAllLines(csv).get(1).endsWith(",3,2,1"), Files.readAllLines(csv)::toString);
        }
    }

    @Test
    void rowsAndExportsCarryMetricsIntervalsAndPredictions() throws Exception {
        StudyPlan plan = StudyFixtures.plan(2);
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(plan);
            for (EvalCell c : plan.cells()) {
                assertEquals(Optional.of(c.key()), s.claimNextCell("h:1", c.modelKey(), LEASE));
                assertTrue(s.completeCell(c.key(), "h:1", StudyFixtures.result(c), 0.5));
            }
            List<ResultRow> rows = s.rows();
            assertEquals(2, rows.size(), rows::toString); // accuracy only: macro_f1 is not a report metric
            EvalCell c0 = plan.cells().get(0);
            var expected = StudyFixtures.result(c0);
            double acc = (double) expected.metrics().get("accuracy");
            assertEquals(new ResultRow("m", Method.BASE, "", 0, 0, 0, "sentiment/yelp", "sentiment", 0, 0, "accuracy", acc,
                    acc / 2, Math.min(1, acc + 0.1), 3), rows.get(0));
            assertEquals(expected.records(), s.predictions(c0.key()));

            Path csv = tmp.resolve("out/results.csv"), json = tmp.resolve("out/results.json");
            s.exportCsv(csv);
            s.exportJson(json);
            List<String> lines = Files.readAllLines(csv);
            assertEquals("base_model,method,train_dataset,train_size,train_shots,seed,eval_dataset,eval_task,template,shots,"
                    + "metric,value,ci_lower,ci_upper,n,truncated,lost_demonstrations", lines.get(0));
            assertEquals("m,base,,0,0,0,sentiment/yelp,sentiment,0,0,accuracy," + acc + "," + acc / 2 + ","
                    + Math.min(1, acc + 0.1) + ",3,0,0", lines.get(1));
            JsonNode j = new ObjectMapper().readTree(json.toFile());
            assertEquals(2, j.size());
            assertEquals(acc, j.get(0).get("value").asDouble());
            try (var files = Files.list(tmp.resolve("out"))) {
                assertEquals(2, files.count(), "no temporary files left");
            }
        }
    }

    @Test
    void anAccuracyRowCarriesItsCellsLabelDistributionFromTheStoredSummary() throws Exception {
        StudyPlan plan = StudyFixtures.plan(1);
        EvalCell c = plan.cells().get(0);
        EvalResult fixture = StudyFixtures.result(c);
        var task = org.crossgen.data.TaskRegistry.paper().dataset(c.eval().dataset()).task();
        Map<String, Object> summary = new LinkedHashMap<>(fixture.summary());
        summary.put("metrics", org.crossgen.eval.EvalMetrics.compute(task, fixture.records(), false, 1));
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(plan);
            assertEquals(Optional.of(c.key()), s.claimNextCell("h:1", c.modelKey(), LEASE));
            assertTrue(s.completeCell(c.key(), "h:1", new EvalResult(fixture.spec(), summary, fixture.records()), 0.5));
            var labels = s.rows().get(0).labels();
            List<String> gold = fixture.records().stream().map(RecordResult::reference).toList();
            List<String> pred = fixture.records().stream().map(RecordResult::prediction).toList();
            assertEquals(org.crossgen.metrics.LabelDistribution.of(task.labels(), gold, pred), labels);
            assertEquals(1.0, labels.majorityAccuracy(), 1e-12);   // the fixture's 3 records are all "positive"
            assertEquals(0.5, labels.chanceAccuracy(), 1e-12);

            // and results.json keeps it: the report reads rows only
            Path file = tmp.resolve("results.json");
            ResultsFile.of(s.rows()).write(file);
            assertEquals(labels, ResultsFile.read(file).results().get(0).labels());
        }
    }

    /** A results file written before crossgen ranked label scores reads their AUC as unknown (NaN), not 0. */
    @Test
    void labelsWithoutAScoreAucReadItAsUnknown() throws Exception {
        Path file = tmp.resolve("older-results.json");
        Files.writeString(file, """
                [{"baseModel": "tiny", "method": "base", "trainDataset": "", "trainSize": 0, "trainShots": 0, "seed": 0,
                  "evalDataset": "sentiment/sst2", "evalTask": "sentiment", "template": 0, "shots": 0, "metric": "accuracy",
                  "value": 0.5, "n": 2, "truncated": 0, "lostDemonstrations": 0,
                  "labels": {"predicted": {"positive": 2, "negative": 0}, "reference": {"positive": 1, "negative": 1},
                             "majorityAccuracy": 0.5, "chanceAccuracy": 0.5}}]
                """);
        var labels = ResultsFile.read(file).results().get(0).labels();
        assertTrue(Double.isNaN(labels.scoreAuc()), "scoreAuc " + labels.scoreAuc());
        assertEquals(0.5, labels.majorityAccuracy(), 1e-12);
    }

    /** A full disk mid-write says so, names the store, and leaves the cell as it was (SQLite's page limit stands in for the disk). */
    @Test
    void aFullDiskDuringAWriteSaysSoAndLosesNothing() throws Exception {
        StudyPlan plan = StudyFixtures.plan(1);
        EvalCell cell = plan.cells().get(0);
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(plan);
        }
        long pages = Files.size(new StudyLayout(tmp).store()) / 4096;
        org.sqlite.SQLiteConfig limited = ResultStore.config();
        limited.setMaxPageCount((int) pages + 1);
        EvalResult big = StudyFixtures.result(cell);
        List<RecordResult> records = new ArrayList<>();
        for (RecordResult r : big.records()) {
            records.add(new RecordResult(r.position(), r.promptSha256(), r.promptTokens(), r.truncated(), "x".repeat(200_000),
                    r.reference(), r.labelScores()));
        }
        try (ResultStore s = ResultStore.open(tmp, Clock.systemUTC(), limited)) {
            assertTrue(s.claim(ResultStore.Table.CELLS, cell.key(), "h:1", LEASE));
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> s.completeCell(cell.key(), "h:1", new EvalResult(big.spec(), big.summary(), records), 1.0));
            assertTrue(e.getMessage().startsWith(new StudyLayout(tmp).store() + ": no space left on device ("), e.getMessage());
            assertEquals(Optional.of(WorkState.RUNNING), s.state(ResultStore.Table.CELLS, cell.key()));
            assertEquals(List.of(), s.predictions(cell.key()));
        }
    }

    @Test
    void storeUsesTheRollbackJournalNotWal() throws Exception {
        try (ResultStore s = ResultStore.open(tmp)) {
            s.register(StudyFixtures.plan(1));
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + new StudyLayout(tmp).store());
             var r = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            assertEquals("delete", r.getString(1));
        }
        assertFalse(Files.exists(tmp.resolve("study.db-wal")));
    }
}
