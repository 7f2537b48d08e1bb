package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a study plan on this machine: first every training job, then every evaluation cell
 * (grouped by model, so each model is loaded once), each through a {@link StudyWorker} that
 * claims, heartbeats, computes, publishes and completes it.
 *
 * <p><b>Resumable.</b> Done work is never redone: a run claims only pending work (or work whose
 * claim has lapsed). Results are committed per cell, so a run killed at any moment (kill -9)
 * loses at most the job or cell in flight, and a training job resumes from its checkpoints. On
 * restart, claims of dead processes on this host are released at once, other hosts' after the lease.
 *
 * <p><b>Failures</b> are recorded with their error; the run goes on with independent work (cells
 * of a failed job are marked failed, naming the job). Failed work is retried by the next run.
 */
public final class StudyRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StudyRunner.class);

    /** The default lease: 10 minutes. */
    public static final Duration LEASE = Duration.ofMinutes(10);

    /** Progress events, for a progress bar. */
    public interface Listener {
        /** A phase starts: {@code total} items in the plan, {@code done} of them already done. */
        default void phase(String name, int total, int done) {}

        default void started(String label) {}

        default void finished(String label, boolean ok, double seconds) {}

        /** {@code done} items of the phase are done, by this worker or others on the same study. */
        default void done(int done) {}
    }

    private final StudyLayout layout;
    private final Trainer trainer;
    private final CellEvaluator evaluator;
    private final Listener listener;
    private final Duration lease;
    private final String workerId;

    /**
     * @param layout    the study folder
     * @param trainer   trains jobs (may be null when the plan has none)
     * @param evaluator evaluates cells
     * @param listener  progress events (null: none)
     * @param lease     how long a claim stays valid without a heartbeat (heartbeats every lease / 4)
     */
    public StudyRunner(StudyLayout layout, Trainer trainer, CellEvaluator evaluator, Listener listener, Duration lease) {
        this(layout, trainer, evaluator, listener, lease, StudyWorker.processId());
    }

    /** As above, with the worker's id given (tests run two workers in one process). */
    StudyRunner(StudyLayout layout, Trainer trainer, CellEvaluator evaluator, Listener listener, Duration lease, String workerId) {
        this.workerId = workerId;
        this.layout = layout;
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.listener = listener == null ? new Listener() {} : listener;
        this.lease = lease;
    }

    public StudyRun run(StudyPlan plan) throws IOException {
        Files.createDirectories(layout.dir());
        try (ResultStore store = ResultStore.open(layout.dir());
             StudyWorker worker = new StudyWorker(layout, store, plan, trainer, evaluator, workerId, lease, LOG::warn)) {
            String specText = plan.spec() != null && plan.spec().file() != null && Files.isRegularFile(plan.spec().file())
                    ? Files.readString(plan.spec().file()) : null;
            long runId = store.startRun(worker.id(), plan.spec() == null ? null : plan.spec().file(), specText);
            store.register(plan);
            int released = worker.releaseDeadClaims();
            if (released > 0) LOG.info("{}: released {} claim(s) of killed workers", layout.dir(), released);
            store.retryFailed();

            int trained = runPhase(StudyPhase.TRAIN, "training", plan.jobs().size(), store, worker);
            int evaluated = runPhase(StudyPhase.EVAL, "evaluation", plan.cells().size(), store, worker);
            store.failBlockedCells();

            StudyRun outcome = outcome(store, trained, evaluated);
            store.finishRun(runId, outcome.failures().isEmpty() ? (outcome.complete() ? "complete" : "partial") : "failures");
            return outcome;
        }
    }

    /**
     * Claims and computes work of one phase until none is left; returns how many this run stored.
     * In the evaluation phase a worker whose remaining cells wait for a job another worker is
     * training (several workers on one study, {@code study run --workers N}) waits for it, and
     * trains a job itself if one becomes claimable again (its worker died).
     */
    private int runPhase(StudyPhase phase, String name, int total, ResultStore store, StudyWorker worker) throws IOException {
        if (total == 0) return 0;
        listener.phase(name, total, store.doneCount(phase.table));
        int stored = 0;
        while (true) {
            Optional<String> next = worker.claimNext(phase);
            StudyPhase of = phase;
            if (next.isEmpty() && phase == StudyPhase.EVAL && store.cellsAwaitingTraining() > 0) {
                worker.releaseDeadClaims();
                next = worker.claimNext(StudyPhase.TRAIN);
                of = StudyPhase.TRAIN;
                if (next.isEmpty()) {
                    listener.done(store.doneCount(phase.table));
                    pause();
                    continue;
                }
            }
            if (next.isEmpty()) break;
            String key = next.get();
            listener.started(worker.label(of, key));
            StudyWorker.Attempt a = worker.compute(of, key);
            if (a.ending() == StudyWorker.Ending.FAILED) LOG.warn("{} {} failed: {}", of.noun, a.label(), StudyWorker.firstLine(a.error()));
            if (a.stored() && of == phase) stored++;
            listener.finished(a.label(), a.stored(), a.seconds());
            listener.done(store.doneCount(phase.table));
        }
        return stored;
    }

    /** How long a worker waiting for another worker's training job sleeps between looks. */
    static final Duration POLL = Duration.ofMillis(500);

    private static void pause() throws IOException {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for another worker's training job", e);
        }
    }

    /**
     * Where the study in {@code layout} stands, {@code trained} jobs and {@code evaluated} cells
     * having been computed by this run (all its workers).
     */
    public static StudyRun status(StudyLayout layout, int trained, int evaluated) throws IOException {
        try (ResultStore store = ResultStore.open(layout.dir())) {
            return outcome(store, trained, evaluated);
        }
    }

    private static StudyRun outcome(ResultStore store, int trained, int evaluated) throws IOException {
        List<ResultStore.WorkRow> jobs = store.workRows(ResultStore.Table.JOBS);
        List<ResultStore.WorkRow> cells = store.workRows(ResultStore.Table.CELLS);
        List<String> failures = new ArrayList<>();
        for (var rows : List.of(jobs, cells)) {
            for (ResultStore.WorkRow r : rows) {
                if (r.state() == WorkState.FAILED) failures.add(r.label() + ": " + StudyWorker.firstLine(r.error()));
            }
        }
        return new StudyRun(trained, evaluated, count(jobs), jobs.size(), count(cells), cells.size(), failures);
    }

    private static int count(List<ResultStore.WorkRow> rows) {
        return (int) rows.stream().filter(r -> r.state() == WorkState.DONE).count();
    }
}
