package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.crossgen.data.TaskRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellWorkerTest {
    @TempDir Path tmp;

    private Path spec() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        return StudyFixtures.writeSpec(tmp, "s.yaml", StudyRunnerTest.SPEC); // 1 training job; cells 0-3 base, 4-7 fine-tuned
    }

    private StudyPlan plan() throws Exception {
        return new Planner(TaskRegistry.paper(), ModelIdentity.inMemory()).plan(StudySpec.read(spec(), TaskRegistry.paper(), ModelLocator.NONE));
    }

    private static CellWorker worker(Path dir, CellEvaluator evaluator, String id, List<String> log) {
        return new CellWorker(new StudyLayout(dir), StudyRunnerTest::fakeTrain, evaluator, StudyRunner.LEASE, Duration.ofMillis(50), id, log::add);
    }

    @Test
    void computesOnceThenSkips() throws Exception {
        StudyPlan plan = plan();
        Path dir = tmp.resolve("study");
        var ev = new StudyRunnerTest.CountingEvaluator(0);
        List<String> log = new ArrayList<>();
        String key = StudyPhase.EVAL.keys(plan).get(2);
        var first = worker(dir, ev, "h:1", log).run(plan, StudyPhase.EVAL, key);
        var second = worker(dir, ev, "h:2", log).run(plan, StudyPhase.EVAL, key);
        assertEquals(CellWorker.Status.COMPUTED, first.status(), first.message());
        assertEquals(CellWorker.Status.ALREADY_DONE, second.status());
        assertEquals("base tiny -> sentiment/sst2 t0 k0: already done (by worker h:1); skipped", second.message());
        assertEquals(1, ev.total.get());
        assertTrue(log.get(0).startsWith("worker h:1 claimed evaluation cell " + key + " (base tiny -> sentiment/sst2 t0 k0), attempt 1"), log.get(0));
        assertTrue(Files.isRegularFile(dir.resolve("cells").resolve(key).resolve("records.jsonl")));
        try (ResultStore s = ResultStore.open(dir)) { // run-cell registers the plan itself (a Kubernetes job has no submit)
            assertEquals(8, s.workRows(ResultStore.Table.CELLS).size());
            assertEquals(1, s.workRow(ResultStore.Table.CELLS, key).orElseThrow().attempts());
        }
    }

    @Test
    void aCellOfAnUnfinishedTrainingJobIsBlockedThenRunsAfterTraining() throws Exception {
        StudyPlan plan = plan();
        Path dir = tmp.resolve("study");
        var ev = new StudyRunnerTest.CountingEvaluator(0);
        String cell = StudyPhase.EVAL.keys(plan).get(5), job = plan.jobs().get(0).key();
        var blocked = worker(dir, ev, "h:1", new ArrayList<>()).run(plan, StudyPhase.EVAL, cell);
        assertEquals(CellWorker.Status.BLOCKED, blocked.status());
        assertEquals("cell ft sentiment/amazon n=2000 seed=1 -> sentiment/yelp t1 k0: its training job ft sentiment/amazon "
                + "n=2000 seed=1 (" + job.substring(0, 12) + ") is pending, not done; run the training phase first", blocked.message());
        assertEquals(CellWorker.Status.COMPUTED, worker(dir, ev, "h:1", new ArrayList<>()).run(plan, StudyPhase.TRAIN, job).status());
        assertTrue(Files.isRegularFile(dir.resolve("models").resolve(job).resolve(StudyLayout.JOB_FILE)));
        assertEquals(CellWorker.Status.COMPUTED, worker(dir, ev, "h:1", new ArrayList<>()).run(plan, StudyPhase.EVAL, cell).status());
        assertEquals(dir.resolve("models").resolve(job), ev.models.get(0).dir());
    }

    @Test
    void aFailureIsStoredAndTheNextWorkerRetriesIt() throws Exception {
        StudyPlan plan = plan();
        Path dir = tmp.resolve("study");
        String key = StudyPhase.EVAL.keys(plan).get(0);
        var failed = worker(dir, new StudyRunnerTest.CountingEvaluator(1), "h:1", new ArrayList<>()).run(plan, StudyPhase.EVAL, key);
        assertEquals(CellWorker.Status.FAILED, failed.status());
        assertEquals("base tiny -> sentiment/yelp t0 k0: IllegalStateException: simulated failure second line", failed.message());
        var again = worker(dir, new StudyRunnerTest.CountingEvaluator(0), "h:2", new ArrayList<>()).run(plan, StudyPhase.EVAL, key);
        assertEquals(CellWorker.Status.COMPUTED, again.status());
        try (ResultStore s = ResultStore.open(dir)) {
            assertEquals(2, s.workRow(ResultStore.Table.CELLS, key).orElseThrow().attempts());
        }
    }

    @Test
    void aKeyOutsideThePlanIsAnError() throws Exception {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> worker(tmp.resolve("study"), (m, c) -> null, "h:1", new ArrayList<>()).run(plan(), StudyPhase.EVAL, "abc"));
        assertTrue(e.getMessage().startsWith("evaluation cell abc is not in the plan of "), e.getMessage());
    }

    private Process child(Path spec, Path dir, Path log, long delayMs, int index, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CellWorkerChild.class.getName(),
                spec.toString(), dir.toString(), log.toString(), Long.toString(delayMs), Integer.toString(index))
                .redirectErrorStream(true).redirectOutput(tmp.resolve(name).toFile()).start();
    }

    /** Two run-cell processes on the same index at once: exactly one computes, the other waits for it; both succeed. */
    @Test
    void twoProcessesOnTheSameIndexComputeItOnce() throws Exception {
        Path spec = spec(), dir = tmp.resolve("study"), log = tmp.resolve("computed.log");
        try (ResultStore s = ResultStore.open(dir)) {
            s.register(plan()); // as submit does; both children then start from the same store
        }
        Process a = child(spec, dir, log, 1500, 3, "a.out"), b = child(spec, dir, log, 1500, 3, "b.out");
        assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS), "children did not finish");
        String outA = Files.readString(tmp.resolve("a.out")), outB = Files.readString(tmp.resolve("b.out"));
        assertEquals(0, a.exitValue(), outA);
        assertEquals(0, b.exitValue(), outB);
        assertEquals(1, Files.readAllLines(log).size(), "computed " + Files.readAllLines(log).size() + " times\n" + outA + outB);
        String both = outA + outB;
        assertTrue(both.contains("outcome COMPUTED") && both.contains("outcome DONE_ELSEWHERE"), both);
        assertTrue(both.contains("; waiting for its outcome"), both);
    }

    /** A worker killed with kill -9 mid-cell: the next worker on this host takes the cell over at once. */
    @Test
    void aKilledWorkersCellIsTakenOverOnTheSameHost() throws Exception {
        Path spec = spec(), dir = tmp.resolve("study"), log = tmp.resolve("computed.log");
        Process victim = child(spec, dir, log, 60_000, 1, "victim.out");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(tmp.resolve("victim.out")).contains("evaluating")) {
            assertTrue(victim.isAlive() && System.nanoTime() < deadline, () -> "victim: " + read(tmp.resolve("victim.out")));
            Thread.sleep(20);
        }
        victim.destroyForcibly(); // SIGKILL: no shutdown hook, the claim stays
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
        StudyPlan plan = plan();
        String key = StudyPhase.EVAL.keys(plan).get(1);
        try (ResultStore s = ResultStore.open(dir)) {
            assertEquals(WorkState.RUNNING, s.state(ResultStore.Table.CELLS, key).orElseThrow());
        }
        List<String> lines = new ArrayList<>();
        var ev = new StudyRunnerTest.CountingEvaluator(0);
        var outcome = worker(dir, ev, StudyWorker.processId(), lines).run(plan, StudyPhase.EVAL, key);
        assertEquals(CellWorker.Status.COMPUTED, outcome.status(), outcome.message() + " " + lines);
        assertTrue(lines.get(0).startsWith("released the claims of dead workers on "), lines.toString());
        assertEquals(1, ev.total.get());
        assertTrue(!Files.exists(log), "the killed worker finished after all");
        try (ResultStore s = ResultStore.open(dir)) {
            assertEquals(2, s.workRow(ResultStore.Table.CELLS, key).orElseThrow().attempts());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
