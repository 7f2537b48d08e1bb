package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyRunnerTest {
    @TempDir Path tmp;

    static final String SPEC = """
            # 1 training job, (base + 1 fine-tuned) x 2 test sets x 2 templates = 8 cells
            models: [tiny]
            train_datasets: [sentiment/amazon]
            methods: [base, ft]
            eval_sets: [sentiment/yelp, sentiment/sst2]
            templates: [0, 1]
            """;

    /** Test double of a trainer: "fine-tunes" by writing a changed config into the output folder. */
    static void fakeTrain(TrainingJob job, Path out) throws Exception {
        Files.writeString(out.resolve("config.json"), "{\"trained_on\": \"" + job.trainDataset() + "\", \"seed\": " + job.seed() + "}");
    }

    /** An evaluator that counts calls per cell and throws on call number {@code failOn} (1-based; 0 = never). */
    static final class CountingEvaluator implements CellEvaluator {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final AtomicInteger total = new AtomicInteger();
        final int failOn;
        final List<ModelRef> models = new ArrayList<>();

        CountingEvaluator(int failOn) {
            this.failOn = failOn;
        }

        @Override
        public EvalResult evaluate(ModelRef model, EvalCell cell) {
            models.add(model);
            if (total.incrementAndGet() == failOn) throw new IllegalStateException("simulated failure\nsecond line");
            calls.computeIfAbsent(cell.key(), k -> new AtomicInteger()).incrementAndGet();
            return StudyFixtures.result(cell);
        }
    }

    private StudyPlan plan(String yaml) throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", yaml);
        return new Planner(TaskRegistry.paper(), ModelIdentity.inMemory()).plan(StudySpec.read(f, TaskRegistry.paper(), ModelLocator.NONE));
    }

    private static List<ResultRow> rows(Path dir) throws Exception {
        try (ResultStore s = ResultStore.open(dir)) {
            return s.rows();
        }
    }

    @Test
    void runsEverythingOnceAndAgainDoesNothing() throws Exception {
        StudyPlan plan = plan(SPEC);
        Path dir = tmp.resolve("study");
        CountingEvaluator ev = new CountingEvaluator(0);
        StudyRun run = new StudyRunner(new StudyLayout(dir), StudyRunnerTest::fakeTrain, ev, null, StudyRunner.LEASE).run(plan);
        assertEquals(new StudyRun(1, 8, 1, 1, 8, 8, List.of()), run);
        assertTrue(ev.calls.values().stream().allMatch(c -> c.get() == 1));
        String job = plan.jobs().get(0).key();
        assertTrue(Files.isRegularFile(dir.resolve("models").resolve(job).resolve(StudyLayout.JOB_FILE)));
        assertTrue(Files.isRegularFile(dir.resolve("cells").resolve(plan.cells().get(0).key()).resolve(EvalResult.SUMMARY)));
        // cells reach the evaluator grouped by model, fine-tuned ones with their checkpoint and the base folder
        List<String> order = ev.models.stream().map(ModelRef::key).toList();
        assertEquals(List.of(order.get(0), order.get(0), order.get(0), order.get(0), job, job, job, job), order);
        assertEquals(dir.resolve("models").resolve(job), ev.models.get(4).dir());
        assertEquals(tmp.resolve("tiny").toAbsolutePath(), ev.models.get(4).baseDir());
        assertEquals(8, rows(dir).size());

        CountingEvaluator again = new CountingEvaluator(0);
        StudyRun second = new StudyRunner(new StudyLayout(dir), (j, out) -> { throw new AssertionError("retrained " + j); }, again, null,
                StudyRunner.LEASE).run(plan);
        assertEquals(new StudyRun(0, 0, 1, 1, 8, 8, List.of()), second);
        assertEquals(0, again.total.get());
    }

    @Test
    void aWorkerWaitsForTheJobAnotherWorkerTrainsAndEachCellIsEvaluatedOnce() throws Exception {
        StudyPlan plan = plan(SPEC);
        Path dir = tmp.resolve("study");
        String job = plan.jobs().get(0).key();
        AtomicLong trainedAt = new AtomicLong(), returnedAt = new AtomicLong();
        CountingEvaluator evB = new CountingEvaluator(0), evA = new CountingEvaluator(0);
        // worker b trains the only job, slowly; worker a starts once b holds it
        Thread b = new Thread(() -> {
            try {
                new StudyRunner(new StudyLayout(dir), (j, out) -> {
                    Thread.sleep(1500);
                    fakeTrain(j, out);
                    trainedAt.set(System.nanoTime());
                }, evB, null, StudyRunner.LEASE, "hostb:1").run(plan);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        b.start();
        for (int i = 0; i < 200 && !jobRunning(dir, job); i++) Thread.sleep(20);
        assertTrue(jobRunning(dir, job), "worker b claimed the job");
        new StudyRunner(new StudyLayout(dir), (j, out) -> { throw new AssertionError("a trained " + j); }, evA, null,
                StudyRunner.LEASE, "hosta:1").run(plan);
        returnedAt.set(System.nanoTime());
        b.join(30_000);
        // a evaluated the base model's cells meanwhile, then waited for b's job instead of leaving its cells
        assertTrue(evA.total.get() >= 4, "a evaluated " + evA.total.get() + " cells");
        assertTrue(returnedAt.get() > trainedAt.get(), "a returned before b's job was done");
        Set<String> both = new HashSet<>(evA.calls.keySet());
        both.addAll(evB.calls.keySet());
        assertEquals(8, both.size());
        assertEquals(8, evA.total.get() + evB.total.get(), "no cell evaluated twice");
        assertEquals(8, rows(dir).size());
    }

    private static boolean jobRunning(Path dir, String key) throws Exception {
        if (!ResultStore.exists(dir)) return false;
        try (ResultStore s = ResultStore.open(dir)) {
            return s.state(ResultStore.Table.JOBS, key).equals(java.util.Optional.of(WorkState.RUNNING));
        }
    }

    @Test
    void aFailureIsRecordedTheRestRunsAndTheNextRunRetriesOnlyIt() throws Exception {
        StudyPlan plan = plan(SPEC);
        Path dir = tmp.resolve("study");
        CountingEvaluator first = new CountingEvaluator(3);
        StudyRun run = new StudyRunner(new StudyLayout(dir), StudyRunnerTest::fakeTrain, first, null, StudyRunner.LEASE).run(plan);
        assertEquals(7, run.cellsDone());
        assertEquals(1, run.failures().size());
        assertTrue(run.failures().get(0).endsWith(": IllegalStateException: simulated failure second line"), run.failures()::toString);
        assertFalse(run.complete());

        CountingEvaluator second = new CountingEvaluator(0);
        StudyRun resumed = new StudyRunner(new StudyLayout(dir), StudyRunnerTest::fakeTrain, second, null, StudyRunner.LEASE).run(plan);
        assertEquals(new StudyRun(0, 1, 1, 1, 8, 8, List.of()), resumed);
        assertEquals(1, second.total.get());
        Set<String> keys = new HashSet<>(first.calls.keySet());
        assertTrue(keys.addAll(second.calls.keySet()), "the retried cell was new");
        assertEquals(8, keys.size());

        Path reference = tmp.resolve("reference");
        new StudyRunner(new StudyLayout(reference), StudyRunnerTest::fakeTrain, new CountingEvaluator(0), null, StudyRunner.LEASE).run(plan);
        assertEquals(rows(reference), rows(dir));
    }

    @Test
    void cellsOfAFailedJobFailNamingItAndIndependentWorkFinishes() throws Exception {
        StudyPlan plan = plan(SPEC);
        Path dir = tmp.resolve("study");
        StudyRun run = new StudyRunner(new StudyLayout(dir), (j, out) -> { throw new java.io.IOException("disk full"); },
                new CountingEvaluator(0), null, StudyRunner.LEASE).run(plan);
        assertEquals(4, run.cellsDone()); // the base model's
        assertEquals(1 + 4, run.failures().size());
        assertEquals("ft sentiment/amazon n=2000 seed=1: IOException: disk full", run.failures().get(0));
        assertEquals(": training job " + plan.jobs().get(0).key() + " failed",
                run.failures().get(1).substring(run.failures().get(1).indexOf(": ")));
        String job = plan.jobs().get(0).key();
        try (var models = Files.list(dir.resolve("models"))) { // nothing that looks finished
            assertEquals(List.of(job + ".partial"), models.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** A trainer that fails with an exception keeps its checkpoints; the retry (next run) resumes from them. */
    @Test
    void aJobThatFailsKeepsItsCheckpointsAndTheRetryResumesFromThem() throws Exception {
        StudyPlan plan = plan(SPEC);
        Path dir = tmp.resolve("study");
        StudyRun failed = new StudyRunner(new StudyLayout(dir), (j, out) -> {
            Files.createDirectories(out.resolve("run/checkpoints/step-00000050"));
            Files.writeString(out.resolve("run/checkpoints/step-00000050/trainer_state.json"), "{\"step\": 50}");
            throw new IllegalStateException("CUDA out of memory at step 51");
        }, new CountingEvaluator(0), null, StudyRunner.LEASE).run(plan);
        assertEquals(List.of("ft sentiment/amazon n=2000 seed=1: IllegalStateException: CUDA out of memory at step 51"),
                failed.failures().subList(0, 1));

        List<String> resumedFrom = new ArrayList<>();
        StudyRun retried = new StudyRunner(new StudyLayout(dir), (j, out) -> {
            resumedFrom.add(Files.readString(out.resolve("run/checkpoints/step-00000050/trainer_state.json")));
            fakeTrain(j, out);
        }, new CountingEvaluator(0), null, StudyRunner.LEASE).run(plan);
        assertEquals(List.of("{\"step\": 50}"), resumedFrom, "the retry saw the failed attempt's checkpoint");
        assertEquals(new StudyRun(1, 4, 1, 1, 8, 8, List.of()), retried);
        String job = plan.jobs().get(0).key();
        assertTrue(Files.isRegularFile(dir.resolve("models").resolve(job).resolve(StudyLayout.JOB_FILE)));
        assertFalse(Files.exists(dir.resolve("models").resolve(job + ".partial")), "renamed into place once finished");
    }

    /** A study killed with kill -9 mid-run and restarted: every cell done exactly once, results as if uninterrupted. */
    @Test
    void killedChildJvmResumesWithoutRedoingFinishedCells() throws Exception {
        StudyPlan plan = plan(SPEC);
        Path spec = tmp.resolve("s.yaml"), dir = tmp.resolve("study"), log = tmp.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StudyChild.class.getName(),
                spec.toString(), dir.toString(), log.toString(), "300")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(log) < 3) {
            assertTrue(child.isAlive(), () -> "child exited early: " + read(tmp.resolve("child.out")));
            assertTrue(System.nanoTime() < deadline, "child made no progress in 60 s");
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        Set<String> doneBefore;
        try (ResultStore s = ResultStore.open(dir)) {
            doneBefore = s.doneKeys(ResultStore.Table.CELLS);
        }
        assertTrue(doneBefore.size() >= 2 && doneBefore.size() < 8, "done at kill: " + doneBefore.size());

        CountingEvaluator resumed = new CountingEvaluator(0);
        StudyRun run = new StudyRunner(new StudyLayout(dir), (j, out) -> { throw new AssertionError("retrained " + j); }, resumed, null,
                StudyRunner.LEASE).run(plan);
        assertEquals(8, run.cellsDone(), run::summary);
        assertEquals(List.of(), run.failures());
        Set<String> now = new HashSet<>(resumed.calls.keySet());
        now.retainAll(doneBefore);
        assertEquals(Set.of(), now, "a cell finished before the kill was evaluated again");
        assertEquals(8 - doneBefore.size(), resumed.total.get());

        Path reference = tmp.resolve("reference");
        new StudyRunner(new StudyLayout(reference), StudyRunnerTest::fakeTrain, new CountingEvaluator(0), null, StudyRunner.LEASE).run(plan);
        assertEquals(rows(reference), rows(dir));
    }

    private static long lines(Path f) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
