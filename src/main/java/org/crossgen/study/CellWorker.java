package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.Evaluator;

/**
 * Runs one training job or evaluation cell of a study: the unit of work of a Slurm array task or
 * a Kubernetes Indexed Job pod ({@code crossgen study run-cell}).
 *
 * <p><b>Idempotent.</b> Work already done is skipped. Otherwise the worker claims it in the
 * {@link ResultStore} (one guarded UPDATE, so of two workers on the same index exactly one
 * computes), renews the claim every lease / 4 while it works, and stores the result only if it
 * still holds the claim. A worker that finds the work held by another live worker waits for that
 * worker's outcome instead of computing it too: so an evaluation array that starts after its
 * training array ({@code afterok}) never sees a job still in flight. A claim of a killed worker
 * is taken over when its lease expires, or at once when the holder was a process on this host
 * that is gone ({@link ResultStore#releaseDead}). Stopped by a signal (scancel, a time limit),
 * the worker marks its work failed before the JVM exits, so {@code submit --retry-failed} finds
 * it without waiting for the lease.
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

    private final Path dir;
    private final StudyRunner runner;
    private final CellEvaluator evaluator;
    private final Duration lease;
    private final Duration poll;
    private final String host;
    private final String worker;
    private final Consumer<String> log;

    /**
     * @param dir       the study folder (holds {@code study.db})
     * @param trainer   trains jobs (null: the training phase fails with a message)
     * @param evaluator evaluates cells
     * @param lease     how long a claim stays valid without a heartbeat
     * @param poll      how often a worker waiting on another worker's claim looks again
     * @param worker    this worker's id, {@code host:pid} ({@link ResultStore#releaseDead} relies on the form)
     * @param log       progress lines (claimed, finished, failed, waiting), e.g. to the Slurm task's log
     */
    public CellWorker(Path dir, Trainer trainer, CellEvaluator evaluator, Duration lease, Duration poll, String worker,
                      Consumer<String> log) {
        this.dir = dir;
        this.runner = new StudyRunner(dir, trainer, evaluator, null, lease);
        this.evaluator = evaluator;
        this.lease = lease;
        this.poll = poll;
        this.host = worker.substring(0, worker.lastIndexOf(':'));
        this.worker = worker;
        this.log = log;
    }

    /** This process's worker id: {@code host:pid}. */
    public static String processWorker() {
        return StudyRunner.hostName() + ":" + ProcessHandle.current().pid();
    }

    /** Runs the job or cell {@code key} of {@code phase}; {@code key} must be in {@code plan}. */
    public Outcome run(StudyPlan plan, StudyPhase phase, String key) throws IOException {
        Map<String, TrainingJob> jobs = plan.jobsByKey();
        Map<String, EvalCell> cells = new LinkedHashMap<>();
        for (EvalCell c : plan.cells()) cells.put(c.key(), c);
        if (!(phase == StudyPhase.TRAIN ? jobs : cells).containsKey(key)) {
            throw new IllegalArgumentException(phase.noun + " " + key + " is not in the plan of " + plan.spec().file()
                    + " (was the spec changed after the keys file was written?)");
        }
        String label = phase == StudyPhase.TRAIN ? jobs.get(key).label() : cells.get(key).label();
        ResultStore.Table table = phase.table;
        try (ResultStore store = ResultStore.open(dir)) {
            if (store.state(table, key).isEmpty()) store.register(plan); // an Indexed Job has no submit step
            if (phase == StudyPhase.EVAL && !cells.get(key).jobKey().isEmpty()) {
                String jobKey = cells.get(key).jobKey();
                String jobState = store.state(ResultStore.Table.JOBS, jobKey).map(WorkState::sql).orElse("unknown");
                if (!jobState.equals(WorkState.DONE.sql())) {
                    return new Outcome(Status.BLOCKED, "cell " + label + ": its training job " + jobs.get(jobKey).label()
                            + " (" + jobKey.substring(0, 12) + ") is " + jobState + ", not done; run the training phase first");
                }
            }
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
                                + StudyRunner.firstLine(row.error()));
                        store.retry(table, key); // asked to compute it: a failed attempt is retried
                    }
                    default -> { }
                }
                if (store.claim(table, key, worker, lease)) {
                    return compute(store, phase, key, label, jobs, cells, row.attempts() + 1);
                }
                Optional<ResultStore.WorkRow> holder = store.workRow(table, key);
                if (holder.isPresent() && holder.get().state() == WorkState.RUNNING
                        && store.releaseDead(host, pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) > 0) {
                    log.accept("released the claims of dead workers on " + host);
                    continue;
                }
                if (!waited && holder.isPresent() && holder.get().state() == WorkState.RUNNING) {
                    log.accept(label + ": held by worker " + holder.get().worker() + "; waiting for its outcome");
                }
                waited = true;
                sleep(poll);
            }
        }
    }

    private Outcome compute(ResultStore store, StudyPhase phase, String key, String label, Map<String, TrainingJob> jobs,
                            Map<String, EvalCell> cells, int attempt) throws IOException {
        log.accept("worker " + worker + " claimed " + phase.noun + " " + key + " (" + label + "), attempt " + attempt);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cell-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, lease.toMillis() / 4);
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                if (!store.heartbeat(phase.table, key, worker)) log.accept("lost the claim on " + label);
            } catch (IOException | RuntimeException e) {
                log.accept("heartbeat failed: " + e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        // SIGTERM (scancel, time limit): record the failure now rather than after the lease
        Thread onSignal = new Thread(() -> {
            try {
                store.fail(phase.table, key, worker, "interrupted: the worker was stopped by a signal (scancel, time limit or shutdown)");
            } catch (IOException | RuntimeException ignored) {
                // the JVM is going down; the lease still frees the claim
            }
        }, "cell-interrupted");
        Runtime.getRuntime().addShutdownHook(onSignal);
        long t0 = System.nanoTime();
        try {
            boolean stored;
            if (phase == StudyPhase.TRAIN) {
                Path out = runner.train(jobs.get(key), key);
                stored = store.completeJob(key, worker, out, seconds(t0));
            } else {
                EvalCell cell = cells.get(key);
                EvalResult result = evaluator.evaluate(runner.modelRef(cell, jobs), cell);
                result.write(dir.resolve("cells").resolve(key));
                stored = store.completeCell(key, worker, result, seconds(t0));
            }
            if (!stored) {
                return new Outcome(Status.FAILED, label + ": the claim lapsed while it ran (no heartbeat for "
                        + lease.toSeconds() + " s); the result is dropped, another worker computes it");
            }
            log.accept("worker " + worker + " finished " + phase.noun + " " + key + " in " + String.format("%.1f s", seconds(t0)));
            return new Outcome(Status.COMPUTED, label + ": computed in " + String.format("%.1f s", seconds(t0)));
        } catch (Exception e) {
            store.fail(phase.table, key, worker, StudyRunner.describe(e));
            return new Outcome(Status.FAILED, label + ": " + StudyRunner.firstLine(StudyRunner.describe(e)));
        } finally {
            heartbeat.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
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
