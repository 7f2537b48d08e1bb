package org.crossgen.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.crossgen.eval.EvalResult;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.FileTrees;
import org.crossgen.tensor.Provenance;

/**
 * The one owner of a study's unit of work, for the local runner ({@link StudyRunner}) and the
 * cluster worker ({@link CellWorker}) alike. For a training job or evaluation cell it
 * <ol>
 *   <li><b>claims</b> it in the {@link ResultStore} (one guarded UPDATE: of two workers one wins),</li>
 *   <li><b>heartbeats</b>: renews the claim every lease / 4 from a background thread while it works,</li>
 *   <li><b>computes</b> it: trains the job ({@link Trainer}) or evaluates the cell ({@link CellEvaluator}),</li>
 *   <li><b>publishes</b> the result under the study folder ({@link StudyLayout}): a job trains into
 *       {@code models/<key>.partial/}, which is renamed to {@code models/<key>/} when complete; a cell's
 *       {@code records.jsonl} and {@code summary.json} go to {@code cells/<key>/},</li>
 *   <li><b>completes</b> the row, storing metrics and predictions, if it still holds the claim;
 *       or records the failure with its error.</li>
 * </ol>
 *
 * <p>A job that fails keeps its {@code .partial} folder: the trainer's checkpoints are there, and
 * the next attempt (by any worker; claims are exclusive) resumes from the newest. Stopped by a
 * signal (scancel, a time limit) while it computes, the worker records the failure before the
 * JVM exits, so the work is retried without waiting for the lease.
 */
public final class StudyWorker implements AutoCloseable {
    /** How computing one claimed job or cell ended. */
    public enum Ending {
        /** Computed, published and completed in the store. */
        STORED,
        /** Computed, but the claim lapsed meanwhile (no heartbeat for a lease): the result is dropped. */
        CLAIM_LAPSED,
        /** Computing failed; the error is stored. */
        FAILED
    }

    /**
     * One attempt at a claimed job or cell.
     *
     * @param error null unless it failed: the exception's message on the first line, then its stack trace
     */
    public record Attempt(String label, Ending ending, double seconds, String error) {
        public boolean stored() {
            return ending == Ending.STORED;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final StudyLayout layout;
    private final ResultStore store;
    private final Map<String, TrainingJob> jobs;
    private final Map<String, EvalCell> cells;
    private final Trainer trainer;
    private final CellEvaluator evaluator;
    private final String id;
    private final Duration lease;
    private final Consumer<String> log;
    private String loadedModel; // the model key of the last cell evaluated: its cells are claimed first
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "study-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param store     the study's store, open for this worker's thread
     * @param plan      the plan whose jobs and cells this worker may compute
     * @param trainer   trains jobs (null: a training job fails with a message)
     * @param evaluator evaluates cells
     * @param id        this worker's id, {@code host:pid} ({@link #releaseDeadClaims} relies on the form)
     * @param lease     how long a claim stays valid without a heartbeat
     * @param log       warnings (a lost claim, a failed heartbeat)
     */
    public StudyWorker(StudyLayout layout, ResultStore store, StudyPlan plan, Trainer trainer, CellEvaluator evaluator,
                       String id, Duration lease, Consumer<String> log) {
        this.layout = layout;
        this.store = store;
        this.jobs = plan.jobsByKey();
        this.cells = plan.cellsByKey();
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.id = id;
        this.lease = lease;
        this.log = log;
    }

    /** This process's worker id: {@code host:pid}. */
    public static String processId() {
        return hostName() + ":" + ProcessHandle.current().pid();
    }

    public String id() {
        return id;
    }

    /** Returns to pending the work held by workers on this host whose process is gone; returns how many. */
    public int releaseDeadClaims() throws IOException {
        return releaseDeadClaims(store, id.substring(0, id.lastIndexOf(':')));
    }

    /** Returns to pending the work held by workers on {@code host} whose process is gone (this host's processes only). */
    static int releaseDeadClaims(ResultStore store, String host) throws IOException {
        return store.releaseDead(host, pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /**
     * Claims the next claimable job or cell of the plan, in plan order; cells of the model the
     * evaluator has loaded come first (an evaluator keeps the last model).
     */
    public Optional<String> claimNext(StudyPhase phase) throws IOException {
        return phase == StudyPhase.TRAIN ? store.claimNextJob(id, lease) : store.claimNextCell(id, loadedModel, lease);
    }

    /** Claims the job or cell {@code key}; whether this worker now holds it. */
    public boolean claim(StudyPhase phase, String key) throws IOException {
        return store.claim(phase.table, key, id, lease);
    }

    /** The readable name of a job or cell of the plan; its key if the plan does not have it. */
    public String label(StudyPhase phase, String key) {
        if (phase == StudyPhase.TRAIN) return jobs.containsKey(key) ? jobs.get(key).label() : key;
        return cells.containsKey(key) ? cells.get(key).label() : key;
    }

    /** Computes, publishes and completes the job or cell {@code key}, which this worker has claimed. */
    public Attempt compute(StudyPhase phase, String key) throws IOException {
        String label = label(phase, key);
        long period = Math.max(1, lease.toMillis() / 4);
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> renew(phase, key, label), period, period, TimeUnit.MILLISECONDS);
        Thread onSignal = new Thread(() -> {
            try {
                store.fail(phase.table, key, id, "interrupted: the worker was stopped by a signal (scancel, time limit or shutdown)");
            } catch (IOException | RuntimeException ignored) {
                // the JVM is going down; the lease still frees the claim
            }
        }, "study-interrupted");
        Runtime.getRuntime().addShutdownHook(onSignal);
        long t0 = System.nanoTime();
        try {
            boolean stored = phase == StudyPhase.TRAIN ? train(key, t0) : evaluate(key, t0);
            return new Attempt(label, stored ? Ending.STORED : Ending.CLAIM_LAPSED, seconds(t0), null);
        } catch (Exception e) {
            String error = describe(e);
            store.fail(phase.table, key, id, error);
            return new Attempt(label, Ending.FAILED, seconds(t0), error);
        } finally {
            beat.cancel(false);
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private boolean train(String key, long t0) throws Exception {
        TrainingJob job = jobs.get(key);
        if (job == null) throw new IllegalStateException("job " + key + " is in the store's plan but not in this worker's");
        Path out = layout.model(key);
        if (!Files.isRegularFile(layout.jobFile(key))) { // else: trained, but the worker died before the store knew
            if (trainer == null) throw new IllegalStateException("no trainer is configured, and the plan has training jobs");
            // A stable folder: a trainer stopped mid-job (killed, or failed with an exception) left its
            // checkpoints here, and the next attempt resumes from them.
            Path partial = Files.createDirectories(layout.partialModel(key));
            trainer.train(job, partial);
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("key", key);
            about.put("label", job.label());
            about.put("job", job);
            AtomicFiles.writeString(partial.resolve(StudyLayout.JOB_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(about) + "\n");
            FileTrees.delete(out); // an unfinished folder (no job file) from a crash mid-rename
            AtomicFiles.moveAtomically(partial, out);
        }
        boolean stored = store.completeJob(key, id, out, seconds(t0));
        Path card = out.resolve("run_card.json"); // a trainer that writes none (a test's) records no provenance
        if (stored && Files.isRegularFile(card)) {
            Optional<Provenance> p = Provenance.in(JSON.readTree(card.toFile()));
            if (p.isPresent()) store.recordProvenance(key, StudyPhase.TRAIN, p.get());
        }
        return stored;
    }

    private boolean evaluate(String key, long t0) throws Exception {
        EvalCell cell = cells.get(key);
        if (cell == null) throw new IllegalStateException("cell " + key + " is in the store's plan but not in this worker's");
        loadedModel = cell.modelKey();
        EvalResult result = evaluator.evaluate(modelRef(cell), cell);
        result.write(layout.cell(key));
        boolean stored = store.completeCell(key, id, result, seconds(t0));
        Optional<Provenance> p = Provenance.in(JSON.valueToTree(result.summary()));
        if (stored && p.isPresent()) store.recordProvenance(key, StudyPhase.EVAL, p.get());
        if (!stored) log.accept("cell " + cell.label() + ": the claim lapsed while it ran; its result is dropped (another worker has it)");
        return stored;
    }

    /** The folder to load for {@code cell}: the base model, or its training job's model. */
    ModelRef modelRef(EvalCell cell) {
        Path baseDir = cell.base().dir();
        if (cell.job() == null) return new ModelRef(cell.modelKey(), baseDir, baseDir, cell.base().name(), cell.base().adapter());
        return new ModelRef(cell.modelKey(), layout.model(cell.jobKey()), baseDir, cell.job().label());
    }

    private void renew(StudyPhase phase, String key, String label) {
        try {
            if (!store.heartbeat(phase.table, key, id)) log.accept("lost the claim on " + phase.noun + " " + label);
        } catch (IOException | RuntimeException e) {
            log.accept("heartbeat for " + label + " failed: " + e);
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }

    /** The exception's message on the first line, then its stack trace (cut at 8000 characters). */
    static String describe(Exception e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String head = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        String text = head.replace('\n', ' ') + "\n" + w;
        return text.length() > 8000 ? text.substring(0, 8000) : text;
    }

    /** The first line of a stored error; "" for none. */
    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null || h.isBlank() ? "localhost" : h;
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
