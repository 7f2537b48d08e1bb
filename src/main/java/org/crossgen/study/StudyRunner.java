package org.crossgen.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.Evaluator;
import org.crossgen.files.FileTrees;
import org.crossgen.files.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a study plan against its results store: first the training jobs, then the evaluation
 * cells (grouped by model), each claimed in the store before it starts and recorded when it ends.
 *
 * <p><b>Resumable.</b> Done work is never redone: a run claims only pending work (or work whose
 * claim has lapsed). Results are committed per cell, so a run killed at any moment (kill -9)
 * loses at most the job or cell in flight; on restart, claims of dead processes on this host are
 * released at once, other hosts' after the lease. A training job writes into a temporary folder
 * renamed to {@code models/<job key>} only when complete.
 *
 * <p><b>Failures</b> are recorded with their error; the run goes on with independent work (cells
 * of a failed job are marked failed, naming the job). Failed work is retried by the next run.
 *
 * <p>Layout of the study folder: {@code study.db} ({@link ResultStore}), {@code models/<job key>/}
 * (checkpoints), {@code cells/<cell key>/} (records.jsonl + summary.json of each cell), and
 * {@code model-identity.json} (cache of base model hashes).
 */
public final class StudyRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StudyRunner.class);
    /** Marker written into a finished checkpoint folder, with the job that produced it. */
    public static final String JOB_FILE = "crossgen-job.json";

    /** Progress events, for a progress bar. */
    public interface Listener {
        /** A phase starts: {@code total} items in the plan, {@code done} of them already done. */
        default void phase(String name, int total, int done) {}

        default void started(String label) {}

        default void finished(String label, boolean ok, double seconds) {}
    }

    private final Path dir;
    private final Trainer trainer;
    private final CellEvaluator evaluator;
    private final Listener listener;
    private final Duration lease;
    private final String host;
    private final String worker;

    /**
     * @param dir       the study folder
     * @param trainer   trains jobs (may be null when the plan has none)
     * @param evaluator evaluates cells
     * @param listener  progress events
     * @param lease     how long a claim stays valid without a heartbeat (heartbeats every lease / 4)
     */
    public StudyRunner(Path dir, Trainer trainer, CellEvaluator evaluator, Listener listener, Duration lease) {
        this.dir = dir;
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.listener = listener == null ? new Listener() {} : listener;
        this.lease = lease;
        this.host = hostName();
        this.worker = host + ":" + ProcessHandle.current().pid();
    }

    /** The default lease: 10 minutes. */
    public static final Duration LEASE = Duration.ofMinutes(10);

    /** This process's worker id, {@code host:pid}. */
    public String worker() {
        return worker;
    }

    public StudyRun run(StudyPlan plan) throws IOException {
        Files.createDirectories(dir);
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "study-heartbeat");
            t.setDaemon(true);
            return t;
        });
        try (ResultStore store = ResultStore.open(dir)) {
            String specText = plan.spec().file() != null && Files.isRegularFile(plan.spec().file())
                    ? Files.readString(plan.spec().file()) : null;
            long runId = store.startRun(worker, plan.spec().file(), specText);
            store.register(plan);
            int released = store.releaseDead(host, pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            if (released > 0) LOG.info("{}: released {} claim(s) of killed workers on {}", dir, released, host);
            store.retryFailed();
            Heartbeat beat = new Heartbeat(store, worker);
            long period = Math.max(1, lease.toMillis() / 4);
            heartbeats.scheduleAtFixedRate(beat, period, period, TimeUnit.MILLISECONDS);

            int trained = trainAll(plan, store, beat);
            int evaluated = evaluateAll(plan, store, beat);
            store.failBlockedCells();

            StudyRun outcome = outcome(store, trained, evaluated);
            store.finishRun(runId, outcome.failures().isEmpty() ? (outcome.complete() ? "complete" : "partial") : "failures");
            return outcome;
        } finally {
            heartbeats.shutdownNow();
        }
    }

    private int trainAll(StudyPlan plan, ResultStore store, Heartbeat beat) throws IOException {
        Map<String, TrainingJob> jobs = plan.jobsByKey();
        if (jobs.isEmpty()) return 0;
        listener.phase("training", jobs.size(), (int) jobs.keySet().stream().filter(store.doneKeys(ResultStore.Table.JOBS)::contains).count());
        int trained = 0;
        for (Optional<String> next; (next = store.claimNextJob(worker, lease)).isPresent(); ) {
            String key = next.get();
            TrainingJob job = jobs.get(key);
            beat.set(ResultStore.Table.JOBS, key);
            listener.started(job == null ? key : job.label());
            long t0 = System.nanoTime();
            boolean ok = false;
            try {
                if (job == null) throw new IllegalStateException("job " + key + " is in the store's plan but not in this runner's");
                Path out = train(job, key);
                ok = store.completeJob(key, worker, out, seconds(t0));
                if (ok) trained++;
            } catch (Exception e) {
                LOG.warn("training job {} failed: {}", job == null ? key : job.label(), e.toString());
                store.fail(ResultStore.Table.JOBS, key, worker, describe(e));
            } finally {
                beat.clear();
                listener.finished(job == null ? key : job.label(), ok, seconds(t0));
            }
        }
        return trained;
    }

    /** Trains into {@code models/<key>.partial} and renames it to {@code models/<key>}; a finished folder is reused. */
    Path train(TrainingJob job, String key) throws Exception {
        if (trainer == null) throw new IllegalStateException("no trainer is configured, and the plan has training jobs");
        Path models = dir.resolve("models");
        Path out = models.resolve(key);
        if (Files.isRegularFile(out.resolve(JOB_FILE))) return out; // trained, but killed before the store knew
        Files.createDirectories(models);
        // A stable folder: a trainer killed mid-job left its checkpoints here, and the next worker
        // to claim the job resumes from them (claims are exclusive, so no two workers share it).
        Path tmp = models.resolve(key + ".partial");
        Files.createDirectories(tmp);
        try {
            trainer.train(job, tmp);
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("key", key);
            about.put("label", job.label());
            about.put("job", job);
            AtomicFiles.writeString(tmp.resolve(JOB_FILE), new ObjectMapper().findAndRegisterModules()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(about) + "\n");
            FileTrees.delete(out); // an unfinished folder (no JOB_FILE) from a crash mid-rename
            try {
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, out);
            }
            return out;
        } finally {
            FileTrees.delete(tmp);
        }
    }

    private int evaluateAll(StudyPlan plan, ResultStore store, Heartbeat beat) throws IOException {
        Map<String, EvalCell> cells = new LinkedHashMap<>();
        for (EvalCell c : plan.cells()) cells.put(c.key(), c);
        Map<String, TrainingJob> jobs = plan.jobsByKey();
        listener.phase("evaluation", cells.size(), (int) cells.keySet().stream().filter(store.doneKeys(ResultStore.Table.CELLS)::contains).count());
        int evaluated = 0;
        String loaded = null;
        for (Optional<String> next; (next = store.claimNextCell(worker, loaded, lease)).isPresent(); ) {
            String key = next.get();
            EvalCell cell = cells.get(key);
            beat.set(ResultStore.Table.CELLS, key);
            String label = cell == null ? key : cell.label();
            listener.started(label);
            long t0 = System.nanoTime();
            boolean ok = false;
            try {
                if (cell == null) throw new IllegalStateException("cell " + key + " is in the store's plan but not in this runner's");
                loaded = cell.modelKey();
                EvalResult result = evaluator.evaluate(modelRef(cell, jobs), cell);
                result.write(dir.resolve("cells").resolve(key));
                ok = store.completeCell(key, worker, result, seconds(t0));
                if (ok) evaluated++;
                else LOG.warn("cell {}: the claim lapsed while it ran; its result is dropped (another worker has it)", label);
            } catch (Exception e) {
                LOG.warn("cell {} failed: {}", label, e.toString());
                store.fail(ResultStore.Table.CELLS, key, worker, describe(e));
            } finally {
                beat.clear();
                listener.finished(label, ok, seconds(t0));
            }
        }
        return evaluated;
    }

    ModelRef modelRef(EvalCell cell, Map<String, TrainingJob> jobs) {
        Path baseDir = cell.base().dir();
        if (cell.job() == null) return new ModelRef(cell.modelKey(), baseDir, baseDir, cell.base().name());
        return new ModelRef(cell.modelKey(), dir.resolve("models").resolve(cell.jobKey()), baseDir, cell.job().label());
    }

    private static StudyRun outcome(ResultStore store, int trained, int evaluated) throws IOException {
        List<ResultStore.WorkRow> jobs = store.workRows(ResultStore.Table.JOBS);
        List<ResultStore.WorkRow> cells = store.workRows(ResultStore.Table.CELLS);
        List<String> failures = new ArrayList<>();
        for (var rows : List.of(jobs, cells)) {
            for (ResultStore.WorkRow r : rows) {
                if (r.state() == WorkState.FAILED) failures.add(r.label() + ": " + firstLine(r.error()));
            }
        }
        return new StudyRun(trained, evaluated, count(jobs, WorkState.DONE), jobs.size(), count(cells, WorkState.DONE), cells.size(), failures);
    }

    private static int count(List<ResultStore.WorkRow> rows, WorkState state) {
        return (int) rows.stream().filter(r -> r.state() == state).count();
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The exception's message on the first line, then its stack trace (cut at 8000 characters). */
    static String describe(Exception e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String head = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        String text = head.replace('\n', ' ') + "\n" + w;
        return text.length() > 8000 ? text.substring(0, 8000) : text;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null || h.isBlank() ? "localhost" : h;
        }
    }

    /** Renews the claim of the job or cell in flight, from a background thread. */
    private static final class Heartbeat implements Runnable {
        private final ResultStore store;
        private final String worker;
        private volatile ResultStore.Table table;
        private volatile String key;

        Heartbeat(ResultStore store, String worker) {
            this.store = store;
            this.worker = worker;
        }

        void set(ResultStore.Table table, String key) {
            this.table = table;
            this.key = key;
        }

        void clear() {
            key = null;
        }

        @Override
        public void run() {
            String k = key;
            ResultStore.Table t = table;
            if (k == null) return;
            try {
                if (!store.heartbeat(t, k, worker)) LOG.warn("lost the claim on {} {}", t.sql, k);
            } catch (IOException | RuntimeException e) {
                LOG.warn("heartbeat for {} failed: {}", k, e.toString());
            }
        }
    }
}
