package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.crossgen.data.TaskRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmSubmitterTest {
    @TempDir Path tmp;

    static final SlurmSubmitter.Worker WORKER = new SlurmSubmitter.Worker(Path.of("/opt/crossgen/crossgen"), "cpu", 8, 10, List.of());

    /** Records the scripts it is given and answers job ids 101, 102, ...; {@code queued} is what squeue shows. */
    static final class FakeSlurm implements SlurmSubmitter.Slurm {
        final List<String> scripts = new ArrayList<>();
        Set<String> queued = Set.of();

        @Override
        public String sbatch(Path script) throws IOException {
            scripts.add(Files.readString(script));
            return Integer.toString(100 + scripts.size());
        }

        @Override
        public Set<String> queued() {
            return queued;
        }
    }

    private StudyPlan plan() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", StudyRunnerTest.SPEC); // 1 training job, 8 cells
        return new Planner(TaskRegistry.paper(), ModelIdentity.inMemory()).plan(StudySpec.read(f, TaskRegistry.paper(), ModelLocator.NONE));
    }

    private SlurmSubmitter submitter(Path dir, SlurmSubmitter.Resources r, FakeSlurm slurm) {
        return new SlurmSubmitter(dir, Path.of("/data/studies/mini.yaml"), r, WORKER, slurm);
    }

    @Test
    void evaluationScriptHasEveryResourceAndWaitsForTraining() {
        var r = new SlurmSubmitter.Resources("gpu", 1, "04:00:00", 3, 8, "32G");
        var gpu = new SlurmSubmitter.Worker(Path.of("/opt/crossgen/crossgen"), "cuda", 8, 10, List.of());
        String text = new SlurmSubmitter(Path.of("/data/runs/mini"), Path.of("/data/studies/mini.yaml"), r, gpu, new FakeSlurm())
                .script(StudyPhase.EVAL, 24, Path.of("/data/runs/mini/slurm/s001-eval.keys"), "4242", 1);
        assertEquals("""
                #!/bin/bash
                # crossgen study submit: evaluation cells of /data/studies/mini.yaml; task i runs line i of s001-eval.keys
                #SBATCH --job-name=crossgen-mini-eval
                #SBATCH --array=0-23%3
                #SBATCH --output=/data/runs/mini/slurm/logs/%A_%a.out
                #SBATCH --open-mode=append
                #SBATCH --partition=gpu
                #SBATCH --time=04:00:00
                #SBATCH --cpus-per-task=8
                #SBATCH --mem=32G
                #SBATCH --gpus-per-task=1
                #SBATCH --dependency=afterok:4242
                #SBATCH --kill-on-invalid-dep=yes
                set -euo pipefail
                export CROSSGEN_CUDA=1
                exec /opt/crossgen/crossgen study run-cell /data/studies/mini.yaml --out /data/runs/mini --phase eval \
                --index "$SLURM_ARRAY_TASK_ID" --keys /data/runs/mini/slurm/s001-eval.keys --device cuda --batch-size 8 \
                --lease-minutes 10
                """, text);
    }

    @Test
    void trainingScriptWithoutLimitsHasNoThrottleNorDependency() {
        var cuda = new SlurmSubmitter.Worker(Path.of("/opt/my crossgen/crossgen"), "cuda", 4, 30, List.of(Path.of("/t/topic.yaml")));
        String text = new SlurmSubmitter(Path.of("/r"), Path.of("/s.yml"), SlurmSubmitter.Resources.none(), cuda, new FakeSlurm())
                .script(StudyPhase.TRAIN, 1, Path.of("/r/slurm/s002-train.keys"), null, 1);
        List<String> lines = text.lines().toList();
        assertTrue(lines.contains("#SBATCH --array=0-0"), text);
        assertTrue(lines.contains("#SBATCH --job-name=crossgen-s-train"), text);
        assertFalse(text.contains("--dependency") || text.contains("--partition") || text.contains("--gpus"), text);
        assertTrue(lines.contains("export CROSSGEN_CUDA=1"), text); // a CUDA device builds and runs the CUDA libtorch
        assertEquals("exec '/opt/my crossgen/crossgen' study run-cell /s.yml --out /r --phase train --index \"$SLURM_ARRAY_TASK_ID\" "
                + "--keys /r/slurm/s002-train.keys --device cuda --batch-size 4 --lease-minutes 30 --task-file /t/topic.yaml",
                lines.get(lines.size() - 1));
    }

    /** training.gpus_per_job: 4 on CUDA: one node, 4 Slurm tasks of one GPU each; run-cell starts the ranks with srun. */
    @Test
    void trainingJobsOfSeveralRanksAskForOneTaskAndOneGpuPerRank() {
        var r = new SlurmSubmitter.Resources("gpu", 2, "12:00:00", null, 8, "256G");
        var gpu = new SlurmSubmitter.Worker(Path.of("/opt/crossgen/crossgen"), "cuda", 8, 10, List.of());
        var submitter = new SlurmSubmitter(Path.of("/data/runs/paper"), Path.of("/data/studies/paper.yaml"), r, gpu, new FakeSlurm());
        assertEquals("""
                #!/bin/bash
                # crossgen study submit: training jobs of /data/studies/paper.yaml; task i runs line i of s001-train.keys
                #SBATCH --job-name=crossgen-paper-train
                #SBATCH --array=0-5
                #SBATCH --output=/data/runs/paper/slurm/logs/%A_%a.out
                #SBATCH --open-mode=append
                #SBATCH --partition=gpu
                #SBATCH --time=12:00:00
                #SBATCH --cpus-per-task=8
                #SBATCH --mem=256G
                #SBATCH --nodes=1
                #SBATCH --ntasks-per-node=4
                #SBATCH --gpus-per-task=1
                set -euo pipefail
                export CROSSGEN_CUDA=1
                # training.gpus_per_job: 4: run-cell claims the job, then starts its ranks with
                # srun --nodes=1 --ntasks=4 --ntasks-per-node=4 --kill-on-bad-exit=1 --gpus-per-task=1 ... study train-rank
                exec /opt/crossgen/crossgen study run-cell /data/studies/paper.yaml --out /data/runs/paper --phase train \
                --index "$SLURM_ARRAY_TASK_ID" --keys /data/runs/paper/slurm/s001-train.keys --device cuda --batch-size 8 \
                --lease-minutes 10 --rank-launcher srun
                """, submitter.script(StudyPhase.TRAIN, 6, Path.of("/data/runs/paper/slurm/s001-train.keys"), null, 4));
        // the evaluation array keeps --gpus-per-task as given: one model on one GPU per cell
        String eval = submitter.script(StudyPhase.EVAL, 6, Path.of("/data/runs/paper/slurm/s001-eval.keys"), "7", 1);
        assertTrue(eval.contains("#SBATCH --gpus-per-task=2\n") && !eval.contains("ntasks") && !eval.contains("srun"), eval);
        // on the CPU (Gloo): the tasks, no GPU line
        var cpu = new SlurmSubmitter(Path.of("/r"), Path.of("/s.yaml"), SlurmSubmitter.Resources.none(), WORKER, new FakeSlurm());
        String text = cpu.script(StudyPhase.TRAIN, 1, Path.of("/r/slurm/s001-train.keys"), null, 2);
        assertTrue(text.contains("#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=2\nset -euo"), text);
        assertTrue(text.contains("# srun --nodes=1 --ntasks=2 --ntasks-per-node=2 --kill-on-bad-exit=1 ... study train-rank\n"), text);
        assertTrue(text.strip().endsWith(" --rank-launcher srun"), text);
    }

    @Test
    void submitWritesKeysInPlanOrderAndChainsEvaluationAfterTraining() throws Exception {
        StudyPlan plan = plan();
        FakeSlurm slurm = new FakeSlurm();
        Path dir = tmp.resolve("study");
        var s = submitter(dir, new SlurmSubmitter.Resources(null, null, null, 2, null, null), slurm).submit(plan, false, false);
        assertEquals("s001", s.name());
        assertEquals(List.of("101", "102"), s.arrays().stream().map(SlurmSubmitter.ArrayJob::jobId).toList());
        assertEquals(StudyPhase.TRAIN.keys(plan), Files.readAllLines(dir.resolve("slurm/s001-train.keys")));
        assertEquals(StudyPhase.EVAL.keys(plan), Files.readAllLines(dir.resolve("slurm/s001-eval.keys")));
        assertTrue(slurm.scripts.get(0).contains("#SBATCH --array=0-0%2\n") && !slurm.scripts.get(0).contains("dependency"));
        assertTrue(slurm.scripts.get(1).contains("#SBATCH --array=0-7%2\n#"), slurm.scripts.get(1));
        assertTrue(slurm.scripts.get(1).contains("#SBATCH --dependency=afterok:101\n"), slurm.scripts.get(1));
        List<String> tsv = Files.readAllLines(dir.resolve("slurm").resolve(SlurmSubmitter.SUBMISSIONS));
        assertEquals(2, tsv.size());
        assertTrue(tsv.get(1).startsWith("s001\teval\t102\t8\t"), tsv.get(1));
        try (ResultStore store = ResultStore.open(dir)) { // registered: status counts the plan at once
            assertEquals(8, store.workRows(ResultStore.Table.CELLS).size());
        }
    }

    @Test
    void aDryRunWritesAndSubmitsNothing() throws Exception {
        FakeSlurm slurm = new FakeSlurm();
        Path dir = tmp.resolve("study");
        var s = submitter(dir, SlurmSubmitter.Resources.none(), slurm).submit(plan(), false, true);
        assertEquals(2, s.arrays().size());
        assertTrue(s.arrays().get(1).text().contains("#SBATCH --dependency=afterok:<training job id>\n"));
        assertEquals(List.of(), slurm.scripts);
        assertFalse(Files.exists(dir));
    }

    @Test
    void doneWorkIsNotSubmittedAgain() throws Exception {
        StudyPlan plan = plan();
        Path dir = tmp.resolve("study");
        new StudyRunner(new StudyLayout(dir), StudyRunnerTest::fakeTrain, new StudyRunnerTest.CountingEvaluator(0), null, StudyRunner.LEASE).run(plan);
        FakeSlurm slurm = new FakeSlurm();
        var s = submitter(dir, SlurmSubmitter.Resources.none(), slurm).submit(plan, false, false);
        assertEquals(List.of(), s.arrays());
        assertEquals(0, s.cellsLeft());
    }

    /**
     * --retry-failed takes: failed, left pending, running under an expired lease, running by a dead
     * process on this host; and leaves: done, and running under a live claim of another host.
     */
    @Test
    void retryFailedSelectsOnlyWorkNoLiveWorkerHolds() throws Exception {
        StudyPlan plan = plan();
        Path dir = tmp.resolve("study");
        List<String> c = StudyPhase.EVAL.keys(plan);
        String job = plan.jobs().get(0).key();
        ResultStoreTest.MovableClock past = new ResultStoreTest.MovableClock();
        past.millis = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
        try (ResultStore s = ResultStore.open(dir); ResultStore old = ResultStore.open(dir, past)) {
            s.register(plan);
            s.claim(ResultStore.Table.JOBS, job, "elsewhere:1", StudyRunner.LEASE);
            s.completeJob(job, "elsewhere:1", dir.resolve("models/x"), 1);
            s.claim(ResultStore.Table.CELLS, c.get(0), "elsewhere:1", StudyRunner.LEASE);            // 0: done
            s.completeCell(c.get(0), "elsewhere:1", StudyFixtures.result(plan.cells().get(0)), 1);
            s.claim(ResultStore.Table.CELLS, c.get(1), "elsewhere:1", StudyRunner.LEASE);            // 1: failed
            s.fail(ResultStore.Table.CELLS, c.get(1), "elsewhere:1", "boom");
            s.claim(ResultStore.Table.CELLS, c.get(2), "elsewhere:2", StudyRunner.LEASE);            // 2: live claim
            old.claim(ResultStore.Table.CELLS, c.get(3), "elsewhere:3", StudyRunner.LEASE);          // 3: claim 30 min old
            s.claim(ResultStore.Table.CELLS, c.get(4), StudyWorker.hostName() + ":" + Integer.MAX_VALUE, StudyRunner.LEASE); // 4: dead here
            for (int i = 5; i < 8; i++) {                                                           // 5..7: done
                s.claim(ResultStore.Table.CELLS, c.get(i), "elsewhere:1", StudyRunner.LEASE);
                s.completeCell(c.get(i), "elsewhere:1", StudyFixtures.result(plan.cells().get(i)), 1);
            }
        }
        FakeSlurm slurm = new FakeSlurm();
        var s = submitter(dir, SlurmSubmitter.Resources.none(), slurm).submit(plan, true, false);
        assertEquals(1, s.arrays().size(), "the training job is done: no training array");
        assertEquals(List.of(c.get(1), c.get(3), c.get(4)), s.arrays().get(0).keys());
        assertEquals(List.of(c.get(1), c.get(3), c.get(4)), Files.readAllLines(s.arrays().get(0).keysFile()));
        assertTrue(slurm.scripts.get(0).contains("#SBATCH --array=0-2\n") && !slurm.scripts.get(0).contains("dependency"));
        try (ResultStore store = ResultStore.open(dir)) {
            assertEquals(WorkState.PENDING, store.state(ResultStore.Table.CELLS, c.get(1)).orElseThrow(), "failed is reset for the retry");
            assertEquals(WorkState.PENDING, store.state(ResultStore.Table.CELLS, c.get(4)).orElseThrow(), "a dead local claim is released");
            assertEquals(WorkState.RUNNING, store.state(ResultStore.Table.CELLS, c.get(2)).orElseThrow());
        }
    }

    @Test
    void retryFailedIsRefusedWhileAnArrayOfTheStudyIsQueued() throws Exception {
        StudyPlan plan = plan();
        Path dir = tmp.resolve("study");
        FakeSlurm slurm = new FakeSlurm();
        submitter(dir, SlurmSubmitter.Resources.none(), slurm).submit(plan, false, false); // arrays 101, 102
        slurm.queued = Set.of("102", "77");
        var e = assertThrows(IllegalStateException.class,
                () -> submitter(dir, SlurmSubmitter.Resources.none(), slurm).submit(plan, true, false));
        assertTrue(e.getMessage().contains("array(s) 102 of this study are still queued"), e.getMessage());
        slurm.queued = Set.of("77");
        var s = submitter(dir, SlurmSubmitter.Resources.none(), slurm).submit(plan, true, false);
        assertEquals("s002", s.name());
        assertEquals(List.of(1, 8), s.arrays().stream().map(a -> a.keys().size()).toList(), "nothing ran: all of it is left");
    }

    @Test
    void parsesSbatchParsableOutput() throws Exception {
        assertEquals("123", SlurmSubmitter.parseJobId("123\n"));
        assertEquals("123", SlurmSubmitter.parseJobId("123;cluster-a\n"));
        var e = assertThrows(IOException.class, () -> SlurmSubmitter.parseJobId("Submitted batch job 5"));
        assertEquals("sbatch printed \"Submitted batch job 5\", expected a job id", e.getMessage());
    }
}
