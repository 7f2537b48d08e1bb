package org.crossgen.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;
import org.crossgen.eval.EvalMetrics;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.RecordResult;
import org.crossgen.metrics.LabelDistribution;
import org.crossgen.tensor.Provenance;
import org.sqlite.SQLiteConfig;

/**
 * A study's results: an embedded SQLite file ({@code study.db} in the study folder) with the
 * state of every training job and evaluation cell, and the metrics and per-record predictions of
 * every finished cell.
 *
 * <p><b>Tables.</b> {@code runs} (one row per runner start), {@code training_jobs} and
 * {@code cells} (keyed by {@link TrainingJob#key()} / {@link EvalCell#key()}; state
 * {@code pending|running|done|failed}, attempts, last error, worker, claim and finish times),
 * {@code metrics} (cell, metric, value, 95% interval) and {@code predictions} (cell, record
 * position, prompt hash, prediction, reference, label scores), {@code provenance} (per finished job or
 * cell: the crossgen version and git commit, libtorch, device and dtype that made it; a table of its
 * own, so a study folder made before it existed gains it on open).
 *
 * <p><b>Journal mode: rollback journal ({@code DELETE}), deliberately not WAL.</b> WAL keeps its
 * index in shared memory, which does not work across machines on a network filesystem (NFS,
 * Lustre): workers of a Slurm array writing one {@code study.db} could corrupt it. The rollback
 * journal relies only on file locks; concurrent writers wait for each other through
 * {@code busy_timeout} (60 s) instead of failing. {@code synchronous=FULL}: a committed result
 * survives a power cut. Every write is one transaction, opened {@code IMMEDIATE} (the write lock
 * first) so two writers never deadlock upgrading a read lock.
 *
 * <p><b>Claims.</b> A worker claims a job or cell with one guarded {@code UPDATE ... WHERE
 * state='pending' OR (state='running' AND claimed_at < now - lease)}: of two workers, the second
 * updates no row, so no two compute the same cell. A running worker renews its claim with
 * {@link #heartbeat}; a worker killed mid-cell stops renewing, and its cell becomes claimable when
 * the lease expires (at once on the same host, where {@link #releaseDead} sees the process is
 * gone). A result is stored only if the storing worker still holds the claim.
 *
 * <p>One instance holds one connection; its methods are synchronized. Use one instance per thread
 * for parallel workers in one JVM.
 */
public final class ResultStore implements AutoCloseable {

    /** The two work tables. */
    public enum Table {
        JOBS("training_jobs"), CELLS("cells");
        final String sql;

        Table(String sql) {
            this.sql = sql;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLAIMABLE = "(state = 'pending' OR (state = 'running' AND claimed_at < ?))";
    private static final String READY = "(job_key = '' OR job_key IN (SELECT key FROM training_jobs WHERE state = 'done'))";

    private final Path file;
    private final Connection db;
    private final Clock clock;

    private ResultStore(Path file, Connection db, Clock clock) {
        this.file = file;
        this.db = db;
        this.clock = clock;
    }

    /** Opens (creating if needed) {@code study.db} in {@code dir}. */
    public static ResultStore open(Path dir) throws IOException {
        return open(dir, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, reading time from {@code clock} (tests move it to expire leases). */
    public static ResultStore open(Path dir, Clock clock) throws IOException {
        return open(dir, clock, config());
    }

    /** The connection settings (see the class comment); tests add limits to them. */
    static SQLiteConfig config() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(60_000);
        return config;
    }

    static ResultStore open(Path dir, Clock clock, SQLiteConfig config) throws IOException {
        Files.createDirectories(dir);
        Path file = new StudyLayout(dir).store();
        Connection c;
        try {
            c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new IOException(file + ": cannot open the results store: " + e.getMessage(), e);
        }
        ResultStore store = new ResultStore(file, c, clock);
        try {
            store.createTables();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Whether {@code dir} holds a results store. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(new StudyLayout(dir).store());
    }

    public Path file() {
        return file;
    }

    private void createTables() throws IOException {
        String work = "state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, error TEXT, worker TEXT, "
                + "claimed_at INTEGER, started_at INTEGER, finished_at INTEGER, elapsed_s REAL, in_plan INTEGER NOT NULL DEFAULT 1, "
                + "created_at INTEGER NOT NULL";
        transaction(() -> {
            try (Statement s = db.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, worker TEXT NOT NULL, "
                        + "spec_file TEXT, spec TEXT, started_at INTEGER NOT NULL, finished_at INTEGER, outcome TEXT)");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS training_jobs (key TEXT PRIMARY KEY, label TEXT NOT NULL, "
                        + "base_model TEXT NOT NULL, method TEXT NOT NULL, train_dataset TEXT NOT NULL, train_size INTEGER NOT NULL, "
                        + "train_shots INTEGER NOT NULL, seed INTEGER NOT NULL, out_dir TEXT, " + work + ")");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS cells (key TEXT PRIMARY KEY, model_key TEXT NOT NULL, "
                        + "job_key TEXT NOT NULL, label TEXT NOT NULL, base_model TEXT NOT NULL, method TEXT NOT NULL, "
                        + "train_dataset TEXT NOT NULL, train_size INTEGER NOT NULL, train_shots INTEGER NOT NULL, "
                        + "seed INTEGER NOT NULL, eval_dataset TEXT NOT NULL, eval_task TEXT NOT NULL, template INTEGER NOT NULL, "
                        + "shots INTEGER NOT NULL, n INTEGER, summary TEXT, " + work + ")");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS cells_by_state ON cells (state, model_key)");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS metrics (cell_key TEXT NOT NULL REFERENCES cells(key), "
                        + "metric TEXT NOT NULL, value REAL, ci_lower REAL, ci_upper REAL, PRIMARY KEY (cell_key, metric))");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS predictions (cell_key TEXT NOT NULL REFERENCES cells(key), "
                        + "position INTEGER NOT NULL, prompt_sha256 TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, "
                        + "truncated INTEGER NOT NULL, prediction TEXT NOT NULL, reference TEXT NOT NULL, label_scores TEXT, "
                        + "PRIMARY KEY (cell_key, position))");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS provenance (key TEXT PRIMARY KEY, phase TEXT NOT NULL, "
                        + "crossgen TEXT NOT NULL, git_commit TEXT NOT NULL, libtorch TEXT NOT NULL, device TEXT NOT NULL, "
                        + "dtype TEXT NOT NULL, recorded_at INTEGER NOT NULL)");
            }
            return null;
        });
    }

    // ---- registration ----

    /** Records a runner start; returns its run id. */
    public synchronized long startRun(String worker, Path specFile, String specText) throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT INTO runs (worker, spec_file, spec, started_at) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, worker);
                p.setString(2, specFile == null ? null : specFile.toString());
                p.setString(3, specText);
                p.setLong(4, now());
                p.executeUpdate();
                try (ResultSet r = p.getGeneratedKeys()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    public synchronized void finishRun(long id, String outcome) throws IOException {
        update("UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?", now(), outcome, id);
    }

    /**
     * Adds the plan's jobs and cells that are not stored yet (as pending) and marks exactly the
     * plan's rows as "in plan": the runner claims, and status and {@link #rows()} count, only those.
     * Finished work is kept whatever the plan says.
     */
    public synchronized void register(StudyPlan plan) throws IOException {
        transaction(() -> {
            long t = now();
            try (Statement s = db.createStatement()) {
                s.executeUpdate("UPDATE training_jobs SET in_plan = 0");
                s.executeUpdate("UPDATE cells SET in_plan = 0");
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO training_jobs (key, label, base_model, method, "
                    + "train_dataset, train_size, train_shots, seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT(key) DO UPDATE SET in_plan = 1")) {
                for (TrainingJob j : plan.jobs()) {
                    bind(p, j.key(), j.label(), j.base().name(), j.method().id(), j.trainDataset(), j.trainSize(), j.trainShots(),
                            j.seed(), t);
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO cells (key, model_key, job_key, label, base_model, "
                    + "method, train_dataset, train_size, train_shots, seed, eval_dataset, eval_task, template, shots, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET in_plan = 1")) {
                for (EvalCell c : plan.cells()) {
                    TrainingJob j = c.job();
                    bind(p, c.key(), c.modelKey(), c.jobKey(), c.label(), c.base().name(), c.method().id(),
                            j == null ? "" : j.trainDataset(), j == null ? 0 : j.trainSize(), j == null ? 0 : j.trainShots(),
                            j == null ? 0 : j.seed(), c.eval().dataset(), c.task().name(), c.eval().template(), c.eval().shots(), t);
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    // ---- claims ----

    /**
     * Claims one job or cell by key: one guarded UPDATE that succeeds only if it is pending, or
     * running under an expired lease. Returns whether this worker now holds it.
     */
    public synchronized boolean claim(Table table, String key, String worker, Duration lease) throws IOException {
        return transaction(() -> claimRow(table, key, worker, lease));
    }

    private boolean claimRow(Table table, String key, String worker, Duration lease) throws SQLException {
        long t = now();
        try (PreparedStatement p = db.prepareStatement("UPDATE " + table.sql + " SET state = 'running', worker = ?, "
                + "claimed_at = ?, started_at = ?, attempts = attempts + 1 WHERE key = ? AND " + CLAIMABLE)) {
            bind(p, worker, t, t, key, t - lease.toMillis());
            return p.executeUpdate() == 1;
        }
    }

    /** Claims the next claimable training job of the plan, in plan order. */
    public synchronized Optional<String> claimNextJob(String worker, Duration lease) throws IOException {
        return transaction(() -> {
            String key = first("SELECT key FROM training_jobs WHERE in_plan = 1 AND " + CLAIMABLE + " ORDER BY rowid LIMIT 1",
                    now() - lease.toMillis());
            return key != null && claimRow(Table.JOBS, key, worker, lease) ? Optional.of(key) : Optional.<String>empty();
        });
    }

    /**
     * Claims the next claimable cell of the plan whose model exists (base model, or training job
     * done), preferring cells of {@code preferModel} (the model the worker has loaded), then plan order.
     */
    public synchronized Optional<String> claimNextCell(String worker, String preferModel, Duration lease) throws IOException {
        return transaction(() -> {
            String key = first("SELECT key FROM cells WHERE in_plan = 1 AND " + CLAIMABLE + " AND " + READY
                    + " ORDER BY (model_key = ?) DESC, rowid LIMIT 1", now() - lease.toMillis(), preferModel == null ? "" : preferModel);
            return key != null && claimRow(Table.CELLS, key, worker, lease) ? Optional.of(key) : Optional.<String>empty();
        });
    }

    /**
     * Pending cells of the plan whose training job is neither done nor failed: another worker is
     * training it (or it waits to be claimed), so these cells become claimable later.
     */
    public synchronized int cellsAwaitingTraining() throws IOException {
        return query(() -> {
            String n = first("SELECT COUNT(*) FROM cells WHERE in_plan = 1 AND state = 'pending' AND job_key IN "
                    + "(SELECT key FROM training_jobs WHERE state IN ('pending', 'running'))");
            return n == null ? 0 : Integer.parseInt(n);
        });
    }

    /** Done rows of {@code table} that are in the plan. */
    public synchronized int doneCount(Table table) throws IOException {
        return query(() -> Integer.parseInt(first("SELECT COUNT(*) FROM " + table.sql + " WHERE in_plan = 1 AND state = 'done'")));
    }

    /** Renews {@code worker}'s claim; false if it no longer holds it. */
    public synchronized boolean heartbeat(Table table, String key, String worker) throws IOException {
        return update("UPDATE " + table.sql + " SET claimed_at = ? WHERE key = ? AND worker = ? AND state = 'running'",
                now(), key, worker) == 1;
    }

    /**
     * Returns to pending every running row claimed by a worker on {@code host} whose process is no
     * longer alive (workers are named {@code host:pid}); returns how many.
     */
    public synchronized int releaseDead(String host, LongPredicate alive) throws IOException {
        return transaction(() -> {
            int released = 0;
            for (Table table : Table.values()) {
                List<String[]> running = new ArrayList<>();
                try (PreparedStatement p = db.prepareStatement("SELECT key, worker FROM " + table.sql
                        + " WHERE state = 'running' AND worker LIKE ?")) {
                    p.setString(1, host + ":%");
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) running.add(new String[] {r.getString(1), r.getString(2)});
                    }
                }
                for (String[] row : running) {
                    long pid;
                    try {
                        pid = Long.parseLong(row[1].substring(host.length() + 1));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (!alive.test(pid)) {
                        released += updateRow("UPDATE " + table.sql + " SET state = 'pending', worker = NULL "
                                + "WHERE key = ? AND worker = ? AND state = 'running'", row[0], row[1]);
                    }
                }
            }
            return released;
        });
    }

    /**
     * Keys of the plan's rows of {@code table} that no live worker holds: pending, failed, or
     * running under a claim not renewed for {@code lease} (its worker stopped heartbeating). What
     * {@code crossgen study submit --retry-failed} resubmits.
     */
    public synchronized Set<String> unheldKeys(Table table, Duration lease) throws IOException {
        return query(() -> {
            Set<String> keys = new HashSet<>();
            try (PreparedStatement p = db.prepareStatement("SELECT key FROM " + table.sql + " WHERE in_plan = 1 AND ("
                    + "state IN ('pending', 'failed') OR (state = 'running' AND claimed_at < ?))")) {
                p.setLong(1, now() - lease.toMillis());
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) keys.add(r.getString(1));
                }
            }
            return keys;
        });
    }

    /** Returns one failed row to pending (a worker asked to compute it retries it); returns whether it was failed. */
    public synchronized boolean retry(Table table, String key) throws IOException {
        return update("UPDATE " + table.sql + " SET state = 'pending' WHERE key = ? AND state = 'failed'", key) == 1;
    }

    /** The row of {@code key}, in plan or not; empty if the store does not know it. */
    public synchronized Optional<WorkRow> workRow(Table table, String key) throws IOException {
        return query(() -> {
            try (PreparedStatement p = db.prepareStatement(workRowSelect(table) + " WHERE key = ?")) {
                p.setString(1, key);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(workRow(r)) : Optional.<WorkRow>empty();
                }
            }
        });
    }

    /** Returns failed rows of the plan to pending (a new run retries them); returns how many. */
    public synchronized int retryFailed() throws IOException {
        return transaction(() -> updateRow("UPDATE training_jobs SET state = 'pending' WHERE state = 'failed' AND in_plan = 1")
                + updateRow("UPDATE cells SET state = 'pending' WHERE state = 'failed' AND in_plan = 1"));
    }

    // ---- outcomes ----

    /** Marks a job done if {@code worker} still holds it; returns whether it did. */
    public synchronized boolean completeJob(String key, String worker, Path outDir, double elapsedSeconds) throws IOException {
        return update("UPDATE training_jobs SET state = 'done', finished_at = ?, elapsed_s = ?, out_dir = ?, error = NULL "
                + "WHERE key = ? AND worker = ? AND state = 'running'", now(), elapsedSeconds, outDir.toString(), key, worker) == 1;
    }

    /**
     * Stores a cell's metrics and predictions and marks it done, in one transaction, if
     * {@code worker} still holds it; returns whether it did (false: the lease was lost and the
     * result is dropped, another worker computes it).
     */
    public synchronized boolean completeCell(String key, String worker, EvalResult result, double elapsedSeconds) throws IOException {
        String summary;
        try {
            summary = JSON.writeValueAsString(result.summary());
        } catch (JsonProcessingException e) {
            throw new IOException("cell " + key + ": summary is not JSON: " + e.getMessage(), e);
        }
        return transaction(() -> {
            int n = updateRow("UPDATE cells SET state = 'done', finished_at = ?, elapsed_s = ?, n = ?, summary = ?, error = NULL "
                    + "WHERE key = ? AND worker = ? AND state = 'running'", now(), elapsedSeconds, result.records().size(),
                    summary, key, worker);
            if (n != 1) return false; // nothing was written
            updateRow("DELETE FROM metrics WHERE cell_key = ?", key);
            updateRow("DELETE FROM predictions WHERE cell_key = ?", key);
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT INTO metrics (cell_key, metric, value, ci_lower, ci_upper) VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<String, double[]> m : metrics(result.metrics()).entrySet()) {
                    double[] v = m.getValue();
                    bind(p, key, m.getKey(), v[0], nullIfNaN(v[1]), nullIfNaN(v[2]));
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO predictions (cell_key, position, prompt_sha256, "
                    + "prompt_tokens, truncated, prediction, reference, label_scores) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (RecordResult r : result.records()) {
                    bind(p, key, r.position(), r.promptSha256(), r.promptTokens(), r.truncated() ? 1 : 0, r.prediction(),
                            r.reference(), r.labelScores() == null || r.labelScores().isEmpty() ? null
                                    : JSON.writeValueAsString(r.labelScores()));
                    p.addBatch();
                }
                p.executeBatch();
            }
            return true;
        });
    }

    /** Records which crossgen, libtorch, device and dtype made the finished job or cell {@code key} (replacing an older record). */
    public synchronized void recordProvenance(String key, StudyPhase phase, Provenance p) throws IOException {
        update("INSERT OR REPLACE INTO provenance (key, phase, crossgen, git_commit, libtorch, device, dtype, recorded_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", key, phase.cliName, p.crossgen(), p.gitCommit(), p.libtorch(), p.device(),
                p.dtype(), now());
    }

    /** The provenance of {@code key}'s result, if recorded. */
    public synchronized Optional<Provenance> provenance(String key) throws IOException {
        return query(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT crossgen, git_commit, libtorch, device, dtype FROM provenance WHERE key = ?")) {
                bind(p, key);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(new Provenance(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5))) : Optional.empty();
                }
            }
        });
    }

    /**
     * One line per distinct provenance of the finished work of the current plan, with how much it
     * made: {@code crossgen 0.1.0 (git 0123456789ab), libtorch 2.10.0, cpu, float32: 36 evaluation cells}.
     */
    public synchronized List<String> provenanceLines() throws IOException {
        return query(() -> {
            List<String> lines = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT p.phase, p.crossgen, p.git_commit, "
                    + "p.libtorch, p.device, p.dtype, COUNT(*) FROM provenance p "
                    + "LEFT JOIN training_jobs j ON p.phase = 'train' AND j.key = p.key "
                    + "LEFT JOIN cells c ON p.phase = 'eval' AND c.key = p.key "
                    + "WHERE (j.state = 'done' AND j.in_plan = 1) OR (c.state = 'done' AND c.in_plan = 1) "
                    + "GROUP BY p.phase, p.crossgen, p.git_commit, p.libtorch, p.device, p.dtype "
                    + "ORDER BY p.phase DESC, COUNT(*) DESC, p.crossgen, p.git_commit")) {
                while (r.next()) {
                    StudyPhase phase = StudyPhase.parse(r.getString(1));
                    int n = r.getInt(7);
                    lines.add(new Provenance(r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6)).line()
                            + ": " + n + " " + phase.noun + (n == 1 ? "" : "s"));
                }
            }
            return lines;
        });
    }

    /** Records a failure (message and stack summary) if {@code worker} still holds the row. */
    public synchronized void fail(Table table, String key, String worker, String error) throws IOException {
        update("UPDATE " + table.sql + " SET state = 'failed', finished_at = ?, error = ? WHERE key = ? AND worker = ? "
                + "AND state = 'running'", now(), error, key, worker);
    }

    /** Marks pending cells of a failed job failed too, naming the job; returns how many. */
    public synchronized int failBlockedCells() throws IOException {
        return update("UPDATE cells SET state = 'failed', finished_at = ?, error = 'training job ' || job_key || ' failed' "
                + "WHERE in_plan = 1 AND state = 'pending' AND job_key IN (SELECT key FROM training_jobs WHERE state = 'failed')", now());
    }

    /** Numeric metrics of an evaluation summary, each with its interval ({@code <metric>_ci95}) or NaN. */
    static Map<String, double[]> metrics(Map<String, Object> metrics) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            if (!(e.getValue() instanceof Number v)) continue;
            double lo = Double.NaN, hi = Double.NaN;
            if (metrics.get(e.getKey() + "_ci95") instanceof Map<?, ?> ci) {
                lo = ((Number) ci.get("lower")).doubleValue();
                hi = ((Number) ci.get("upper")).doubleValue();
            }
            out.put(e.getKey(), new double[] {v.doubleValue(), lo, hi});
        }
        return out;
    }

    // ---- reading ----

    /** State of one job or cell, or empty if the store does not know it. */
    public synchronized Optional<WorkState> state(Table table, String key) throws IOException {
        return Optional.ofNullable(query(() -> first("SELECT state FROM " + table.sql + " WHERE key = ?", key))).map(WorkState::ofSql);
    }

    /** Keys of finished (done) rows, in plan or not. */
    public synchronized Set<String> doneKeys(Table table) throws IOException {
        return query(() -> {
            Set<String> keys = new HashSet<>();
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT key FROM " + table.sql + " WHERE state = 'done'")) {
                while (r.next()) keys.add(r.getString(1));
            }
            return keys;
        });
    }

    /**
     * One row of the work tables, for status and tests.
     *
     * @param group          the eval task (cells) or training set (jobs)
     * @param elapsedSeconds how long the finished attempt took; null before one finished
     */
    public record WorkRow(String key, String label, String group, WorkState state, int attempts, String error, String worker,
                          Double elapsedSeconds) {}

    /** The plan's rows of {@code table}, in plan order. */
    public synchronized List<WorkRow> workRows(Table table) throws IOException {
        return query(() -> {
            List<WorkRow> rows = new ArrayList<>();
            try (Statement s = db.createStatement();
                 ResultSet r = s.executeQuery(workRowSelect(table) + " WHERE in_plan = 1 ORDER BY rowid")) {
                while (r.next()) rows.add(workRow(r));
            }
            return rows;
        });
    }

    private static String workRowSelect(Table table) {
        return "SELECT key, label, " + (table == Table.CELLS ? "eval_task" : "train_dataset")
                + ", state, attempts, error, worker, elapsed_s FROM " + table.sql;
    }

    private static WorkRow workRow(ResultSet r) throws SQLException {
        double e = r.getDouble(8);
        Double elapsed = r.wasNull() ? null : e;
        return new WorkRow(r.getString(1), r.getString(2), r.getString(3), WorkState.ofSql(r.getString(4)), r.getInt(5),
                r.getString(6), r.getString(7), elapsed);
    }

    /** Predictions stored for a cell, in record order (for tests and re-scoring). */
    public synchronized List<RecordResult> predictions(String cellKey) throws IOException {
        return query(() -> {
            List<RecordResult> out = new ArrayList<>();
            try (PreparedStatement p = db.prepareStatement("SELECT position, prompt_sha256, prompt_tokens, truncated, prediction, "
                    + "reference, label_scores FROM predictions WHERE cell_key = ? ORDER BY position")) {
                p.setString(1, cellKey);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        String scores = r.getString(7);
                        Map<String, Double> byLabel = scores == null ? Map.of()
                                : JSON.readValue(scores, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Double>>() {});
                        out.add(new RecordResult(r.getInt(1), r.getString(2), r.getInt(3), r.getInt(4) == 1, r.getString(5),
                                r.getString(6), byLabel));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The report's rows: accuracy, rougeL and bleu of every finished cell of the current plan, in
     * plan order.
     */
    public synchronized List<ResultRow> rows() throws IOException {
        return query(() -> {
            List<ResultRow> rows = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT c.base_model, c.method, "
                    + "c.train_dataset, c.train_size, c.train_shots, c.seed, c.eval_dataset, c.eval_task, c.template, c.shots, "
                    + "m.metric, m.value, m.ci_lower, m.ci_upper, c.n, "
                    // the evaluation summary's fitting counts (absent from summaries written before they existed)
                    + "coalesce(json_extract(c.summary, '$.fitting.truncated'), json_extract(c.summary, '$.truncated'), 0), "
                    + "coalesce(json_extract(c.summary, '$.fitting.lost_demonstrations'), 0), c.summary FROM cells c JOIN metrics m ON m.cell_key = c.key "
                    + "WHERE c.state = 'done' AND c.in_plan = 1 AND m.metric IN ('accuracy', 'rougeL', 'bleu') "
                    + "ORDER BY c.rowid, CASE m.metric WHEN 'accuracy' THEN 0 WHEN 'rougeL' THEN 1 ELSE 2 END")) {
                while (r.next()) {
                    rows.add(new ResultRow(r.getString(1), Method.parse(r.getString(2)), r.getString(3), r.getInt(4), r.getInt(5),
                            r.getLong(6), r.getString(7), r.getString(8), r.getInt(9), r.getInt(10), r.getString(11),
                            r.getDouble(12), nanIfNull(r, 13), nanIfNull(r, 14), r.getInt(15), r.getInt(16), r.getInt(17),
                            labels(r.getString(11), r.getString(18))));
                }
            }
            return rows;
        });
    }

    /** The label distribution an accuracy row carries, from its cell's summary; null for other metrics. */
    private static LabelDistribution labels(String metric, String summary) throws IOException {
        if (!metric.equals("accuracy") || summary == null) return null;
        return EvalMetrics.labels(JSON.readTree(summary).path("metrics"));
    }

    /** Writes {@link #rows()} as CSV ({@link ResultRowExport#writeCsv}), atomically. */
    public void exportCsv(Path target) throws IOException {
        ResultRowExport.writeCsv(rows(), target);
    }

    /** Writes {@link #rows()} as a JSON array ({@link ResultRowExport#writeJson}), atomically. */
    public void exportJson(Path target) throws IOException {
        ResultRowExport.writeJson(rows(), target);
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    // ---- JDBC plumbing ----

    private interface Work<T> {
        T run() throws SQLException, IOException;
    }

    private long now() {
        return clock.millis();
    }

    /**
     * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction (statements issued by hand, so
     * the driver never holds a transaction open between calls); rolls back on any exception. The
     * error reported is the one that failed the work: SQLite may already have rolled back (after a
     * full disk it does), and the rollback's own "no transaction is active" must not hide why.
     */
    private <T> T transaction(Work<T> work) throws IOException {
        try (Statement s = db.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                s.execute("COMMIT");
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    private <T> T query(Work<T> work) throws IOException {
        try {
            return work.run();
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    /** The store's file and what went wrong, a full disk said as such (SQLite reports it as SQLITE_FULL, code 13). */
    private IOException storeError(SQLException e) {
        boolean full = e.getErrorCode() == 13 || String.valueOf(e.getMessage()).contains("SQLITE_FULL");
        return new IOException(file + ": " + (full ? "no space left on device (" + e.getMessage() + ")" : e.getMessage()), e);
    }

    private int update(String sql, Object... args) throws IOException {
        return transaction(() -> updateRow(sql, args));
    }

    private int updateRow(String sql, Object... args) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            bind(p, args);
            return p.executeUpdate();
        }
    }

    private String first(String sql, Object... args) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) p.setObject(i + 1, args[i]);
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double nanIfNull(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? Double.NaN : v;
    }
}
