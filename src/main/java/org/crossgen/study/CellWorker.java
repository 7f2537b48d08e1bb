package org.crossgen.study;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs one training job or evaluation cell of a study: the unit of work of a Slurm array task or
 * a Kubernetes Indexed Job pod ({@code crossgen study run-cell}). The work itself is done by a
 * {@link StudyWorker}; this class decides whether to do it.
 *
 * <p><b>Idempotent.</b> Work already done is skipped. Otherwise the worker claims it (of two
 * workers on the same index exactly one computes) and stores the result only if it still holds
 * the claim. A worker that finds the work held by another live worker waits for that worker's
 * outcome instead of computing it too: so an evaluation array that starts after its training
 * array ({@code afterok}) never sees a job still in flight. A claim of a killed worker is taken
 * over when its lease expires, or at once when the holder was a process on this host that is gone.
 *
 * <p>An evaluation cell whose training job is not done is not attempted ({@link Status#BLOCKED}).
 */
public final class CellWorker {
    /** How one {@link #run} ended. */
    public enum Status {
        /** This worker computed and stored it. */
        COMPUTED(true),
        /** It was done before this worker started. */
        ALREADY_DONE(true),
        /** Another worker held it; this one waited and that worker finished it. */
        DONE_ELSEWHERE(true),
        /** Computing it failed here, or the worker that held it failed (the error is stored). */
        FAILED(false),
        /** An evaluation cell whose training job is not done. */
        BLOCKED(false);

        /** Whether the array task succeeds (exit code 0). */
        public final boolean ok;

        Status(boolean ok) {
            this.ok = ok;
        }
    }

    /** The outcome and a one-line explanation. */
    public record Outcome(Status status, String message) {}

    private final StudyLayout layout;
    private final Trainer trainer;
    private final CellEvaluator evaluator;
    private final Duration lease;
    private final Duration poll;
    private final String worker;
    private final Consumer<String> log;

    /**
     * @param layout    the study folder (holds {@code study.db})
     * @param trainer   trains jobs (null: the training phase fails with a message)
     * @param evaluator evaluates cells
     * @param lease     how long a claim stays valid without a heartbeat
     * @param poll      how often a worker waiting on another worker's claim looks again
     * @param worker    this worker's id, {@code host:pid} ({@link StudyWorker#processId()})
     * @param log       progress lines (claimed, finished, failed, waiting), e.g. to the Slurm task's log
     */
    public CellWorker(StudyLayout layout, Trainer trainer, CellEvaluator evaluator, Duration lease, Duration poll, String worker,
                      Consumer<String> log) {
        this.layout = layout;
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.lease = lease;
        this.poll = poll;
        this.worker = worker;
        this.log = log;
    }

    /** Runs the job or cell {@code key} of {@code phase}; {@code key} must be in {@code plan}. */
    public Outcome run(StudyPlan plan, StudyPhase phase, String key) throws IOException {
        if (!phase.keys(plan).contains(key)) {
            throw new IllegalArgumentException(phase.noun + " " + key + " is not in the plan of " + plan.spec().file()
                    + " (was the spec changed after the keys file was written?)");
        }
        ResultStore.Table table = phase.table;
        try (ResultStore store = ResultStore.open(layout.dir());
             StudyWorker work = new StudyWorker(layout, store, plan, trainer, evaluator, worker, lease, log)) {
            String label = work.label(phase, key);
            if (store.state(table, key).isEmpty()) store.register(plan); // an Indexed Job has no submit step
            Optional<Outcome> blocked = phase == StudyPhase.EVAL ? blocked(plan.cellsByKey().get(key), store, label) : Optional.empty();
            if (blocked.isPresent()) return blocked.get();
            boolean waited = false;
            for (boolean first = true; ; first = false) {
                ResultStore.WorkRow row = store.workRow(table, key).orElseThrow();
                switch (row.state()) {
                    case DONE -> {
                        return waited ? new Outcome(Status.DONE_ELSEWHERE, label + ": done by worker " + row.worker())
                                : new Outcome(Status.ALREADY_DONE, label + ": already done (by worker " + row.worker() + "); skipped");
                    }
                    case FAILED -> {
                        if (!first) return new Outcome(Status.FAILED, label + ": worker " + row.worker() + " failed it: "
                                + StudyWorker.firstLine(row.error()));
                        store.retry(table, key); // asked to compute it: a failed attempt is retried
                    }
                    case PENDING, RUNNING -> { }
                }
                if (work.claim(phase, key)) return compute(work, phase, key, row.attempts() + 1);
                Optional<ResultStore.WorkRow> holder = store.workRow(table, key);
                boolean running = holder.isPresent() && holder.get().state() == WorkState.RUNNING;
                if (running && work.releaseDeadClaims() > 0) {
                    log.accept("released the claims of dead workers on " + worker.substring(0, worker.lastIndexOf(':')));
                    continue;
                }
                if (!waited && running) log.accept(label + ": held by worker " + holder.get().worker() + "; waiting for its outcome");
                waited = true;
                sleep(poll);
            }
        }
    }

    /** BLOCKED when the cell's training job is not done. */
    private static Optional<Outcome> blocked(EvalCell cell, ResultStore store, String label) throws IOException {
        if (cell.job() == null) return Optional.empty();
        Optional<WorkState> job = store.state(ResultStore.Table.JOBS, cell.jobKey());
        if (job.equals(Optional.of(WorkState.DONE))) return Optional.empty();
        return Optional.of(new Outcome(Status.BLOCKED, "cell " + label + ": its training job " + cell.job().label() + " ("
                + cell.jobKey().substring(0, 12) + ") is " + job.map(WorkState::sql).orElse("unknown")
                + ", not done; run the training phase first"));
    }

    private Outcome compute(StudyWorker work, StudyPhase phase, String key, int attempt) throws IOException {
        String label = work.label(phase, key);
        log.accept("worker " + worker + " claimed " + phase.noun + " " + key + " (" + label + "), attempt " + attempt);
        StudyWorker.Attempt a = work.compute(phase, key);
        return switch (a.ending()) {
            case STORED -> {
                log.accept("worker " + worker + " finished " + phase.noun + " " + key + " in " + String.format("%.1f s", a.seconds()));
                yield new Outcome(Status.COMPUTED, label + ": computed in " + String.format("%.1f s", a.seconds()));
            }
            case CLAIM_LAPSED -> new Outcome(Status.FAILED, label + ": the claim lapsed while it ran (no heartbeat for "
                    + lease.toSeconds() + " s); the result is dropped, another worker computes it");
            case FAILED -> new Outcome(Status.FAILED, label + ": " + StudyWorker.firstLine(a.error()));
        };
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for another worker", e);
        }
    }
}
