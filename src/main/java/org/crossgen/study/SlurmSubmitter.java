package org.crossgen.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.crossgen.files.AtomicFiles;

/**
 * Submits a study to Slurm as one job array per phase: the training jobs, then the evaluation
 * cells with {@code --dependency=afterok:<training array>} (no dependency when nothing is
 * trained). Each array task runs {@code crossgen study run-cell SPEC --phase P --index
 * $SLURM_ARRAY_TASK_ID --keys FILE}; the index selects a line of the keys file written at submit
 * time, so indices stay stable whatever the store says later.
 *
 * <p>Files, in {@code DIR/slurm/}: {@code sNNN-train.sbatch} / {@code sNNN-eval.sbatch} (the
 * scripts as submitted), {@code sNNN-train.keys} / {@code sNNN-eval.keys} (one key per line, line
 * i = array index i), {@code submissions.tsv} (submission, phase, Slurm job id, tasks, time) and
 * {@code logs/%A_%a.out} (one log per array task, appended across requeues).
 *
 * <p><b>What is submitted.</b> Normally every job and cell of the plan that is not done. With
 * {@code retryFailed}, only those no live worker holds: failed, pending (e.g. an evaluation array
 * Slurm cancelled because a training task failed), or running under an expired lease or by a dead
 * process on this host. It refuses while an array of this study is still queued, since that
 * array's pending tasks would be submitted twice.
 */
public final class SlurmSubmitter {
    /** The file in {@code DIR/slurm/} that lists every submitted array. */
    public static final String SUBMISSIONS = "submissions.tsv";

    /** What the submitter asks of Slurm; {@link #commands()} runs the real sbatch and squeue. */
    public interface Slurm {
        /** Submits {@code script}; returns the job id sbatch printed. */
        String sbatch(Path script) throws IOException;

        /** Job ids (array job ids for arrays) of this user's jobs still in the queue, pending or running. */
        Set<String> queued() throws IOException;
    }

    /**
     * Resources of each array task; null leaves an option out (Slurm's or the partition's default).
     *
     * @param partition   {@code --partition}
     * @param gpusPerTask {@code --gpus-per-task}
     * @param time        {@code --time} limit, e.g. {@code 04:00:00}
     * @param maxParallel tasks running at once: the {@code %K} of {@code --array=0-(n-1)%K}
     * @param cpusPerTask {@code --cpus-per-task}
     * @param mem         {@code --mem}, e.g. {@code 32G}
     */
    public record Resources(String partition, Integer gpusPerTask, String time, Integer maxParallel, Integer cpusPerTask,
                            String mem) {
        public Resources {
            if (maxParallel != null && maxParallel < 1) throw new IllegalArgumentException("--max-parallel must be >= 1, got " + maxParallel);
            if (gpusPerTask != null && gpusPerTask < 0) throw new IllegalArgumentException("--gpus-per-task must be >= 0, got " + gpusPerTask);
            if (cpusPerTask != null && cpusPerTask < 1) throw new IllegalArgumentException("--cpus-per-task must be >= 1, got " + cpusPerTask);
        }

        public static Resources none() {
            return new Resources(null, null, null, null, null, null);
        }
    }

    /**
     * How each array task runs {@code run-cell}.
     *
     * @param launcher     absolute path of the {@code crossgen} launcher
     * @param device       {@code cpu}, {@code cuda} or {@code cuda:N}; a CUDA device also sets {@code CROSSGEN_CUDA=1}
     * @param batchSize    evaluation batch size
     * @param leaseMinutes claim lease
     * @param taskFiles    {@code --task-file}s the spec needs (absolute)
     */
    public record Worker(Path launcher, String device, int batchSize, long leaseMinutes, List<Path> taskFiles) {
        public Worker {
            taskFiles = List.copyOf(taskFiles);
        }
    }

    /**
     * One array of a submission.
     *
     * @param phase    training or evaluation
     * @param keys     the keys, array index i = keys.get(i)
     * @param script   the sbatch script file
     * @param keysFile the keys file
     * @param text     the script's text
     * @param jobId    Slurm's job id; null in a dry run
     */
    public record ArrayJob(StudyPhase phase, List<String> keys, Path script, Path keysFile, String text, String jobId) {
        public ArrayJob {
            keys = List.copyOf(keys);
        }
    }

    /**
     * What {@link #submit} did.
     *
     * @param name       the submission's name, {@code sNNN}
     * @param arrays     the arrays, training first; empty when there was nothing to submit
     * @param jobsLeft   training jobs of the plan not done
     * @param cellsLeft  evaluation cells of the plan not done
     * @param dryRun     whether nothing was written or submitted
     */
    public record Submission(String name, List<ArrayJob> arrays, int jobsLeft, int cellsLeft, boolean dryRun) {
        public Submission {
            arrays = List.copyOf(arrays);
        }
    }

    private final Path dir;
    private final Path spec;
    private final Resources resources;
    private final Worker worker;
    private final Slurm slurm;

    /**
     * @param dir       the study folder (absolute: array tasks may start anywhere)
     * @param spec      the study spec (absolute)
     * @param resources resources of each task
     * @param worker    how tasks run run-cell
     * @param slurm     the scheduler
     */
    public SlurmSubmitter(Path dir, Path spec, Resources resources, Worker worker, Slurm slurm) {
        this.dir = dir.toAbsolutePath().normalize();
        this.spec = spec.toAbsolutePath().normalize();
        this.resources = resources;
        this.worker = worker;
        this.slurm = slurm;
    }

    /** Selects the work ({@code retryFailed}: see the class comment), writes the scripts and submits them unless {@code dryRun}. */
    public Submission submit(StudyPlan plan, boolean retryFailed, boolean dryRun) throws IOException {
        Path slurmDir = new StudyLayout(dir).slurm();
        if (retryFailed) refuseWhileQueued(slurmDir);
        List<String> jobs, cells;
        int jobsLeft, cellsLeft;
        if (dryRun && !ResultStore.exists(dir)) {
            jobs = StudyPhase.TRAIN.keys(plan);
            cells = StudyPhase.EVAL.keys(plan);
            jobsLeft = jobs.size();
            cellsLeft = cells.size();
        } else {
            try (ResultStore store = ResultStore.open(dir)) {
                if (!dryRun) store.register(plan);
                Set<String> doneJobs = store.doneKeys(ResultStore.Table.JOBS), doneCells = store.doneKeys(ResultStore.Table.CELLS);
                jobsLeft = (int) StudyPhase.TRAIN.keys(plan).stream().filter(k -> !doneJobs.contains(k)).count();
                cellsLeft = (int) StudyPhase.EVAL.keys(plan).stream().filter(k -> !doneCells.contains(k)).count();
                if (retryFailed) {
                    if (!dryRun) StudyWorker.releaseDeadClaims(store, StudyWorker.hostName());
                    Duration lease = Duration.ofMinutes(worker.leaseMinutes());
                    jobs = select(StudyPhase.TRAIN.keys(plan), store.unheldKeys(ResultStore.Table.JOBS, lease));
                    cells = select(StudyPhase.EVAL.keys(plan), store.unheldKeys(ResultStore.Table.CELLS, lease));
                    if (!dryRun) store.retryFailed();
                } else {
                    jobs = StudyPhase.TRAIN.keys(plan).stream().filter(k -> !doneJobs.contains(k)).toList();
                    cells = StudyPhase.EVAL.keys(plan).stream().filter(k -> !doneCells.contains(k)).toList();
                }
            }
        }
        String name = nextName(slurmDir);
        List<ArrayJob> arrays = new ArrayList<>();
        String trainId = null;
        if (!jobs.isEmpty()) {
            ArrayJob train = array(slurmDir, name, StudyPhase.TRAIN, jobs, null, plan.spec().training().ranks(), dryRun);
            arrays.add(train);
            trainId = dryRun ? "<training job id>" : train.jobId();
        }
        if (!cells.isEmpty()) arrays.add(array(slurmDir, name, StudyPhase.EVAL, cells, trainId, 1, dryRun));
        return new Submission(name, arrays, jobsLeft, cellsLeft, dryRun);
    }

    /** {@code planKeys} in plan order, kept if in {@code chosen}. */
    static List<String> select(List<String> planKeys, Set<String> chosen) {
        return planKeys.stream().filter(chosen::contains).toList();
    }

    private ArrayJob array(Path slurmDir, String name, StudyPhase phase, List<String> keys, String afterOk, int ranks, boolean dryRun)
            throws IOException {
        Path script = slurmDir.resolve(name + "-" + phase.cliName + ".sbatch");
        Path keysFile = slurmDir.resolve(name + "-" + phase.cliName + ".keys");
        String text = script(phase, keys.size(), keysFile, afterOk, ranks);
        if (dryRun) return new ArrayJob(phase, keys, script, keysFile, text, null);
        Files.createDirectories(slurmDir.resolve("logs"));
        AtomicFiles.writeString(keysFile, String.join("\n", keys) + "\n");
        AtomicFiles.writeString(script, text);
        String id = slurm.sbatch(script);
        Files.writeString(slurmDir.resolve(SUBMISSIONS), String.join("\t", name, phase.cliName, id,
                Integer.toString(keys.size()), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new ArrayJob(phase, keys, script, keysFile, text, id);
    }

    /**
     * The sbatch script of one phase: {@code n} array tasks over the keys in {@code keysFile},
     * after job {@code afterOk} succeeds when it is not null. With {@code ranks > 1} (training
     * jobs of {@code training.gpus_per_job}) each array task is one node with {@code ranks} Slurm
     * tasks, one GPU each on CUDA; {@code run-cell} claims the job and starts its ranks as a job step
     * ({@code srun --ntasks-per-node=ranks}, {@link org.crossgen.dist.SrunLauncher}).
     */
    String script(StudyPhase phase, int n, Path keysFile, String afterOk, int ranks) {
        if (n < 1) throw new IllegalArgumentException("an array needs at least one task, got " + n);
        if (ranks < 1) throw new IllegalArgumentException("ranks must be >= 1, got " + ranks);
        boolean cuda = worker.device().startsWith("cuda");
        String specName = spec.getFileName().toString().replaceFirst("\\.(yaml|yml)$", "");
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("# crossgen study submit: ").append(phase == StudyPhase.TRAIN ? "training jobs" : "evaluation cells")
                .append(" of ").append(spec).append("; task i runs line i of ").append(keysFile.getFileName()).append('\n');
        s.append("#SBATCH --job-name=crossgen-").append(specName).append('-').append(phase.cliName).append('\n');
        s.append("#SBATCH --array=0-").append(n - 1).append(resources.maxParallel() == null ? "" : "%" + resources.maxParallel()).append('\n');
        s.append("#SBATCH --output=").append(new StudyLayout(dir).slurm().resolve("logs")).append("/%A_%a.out\n");
        s.append("#SBATCH --open-mode=append\n"); // a requeued task keeps the log of its earlier attempt
        if (resources.partition() != null) s.append("#SBATCH --partition=").append(resources.partition()).append('\n');
        if (resources.time() != null) s.append("#SBATCH --time=").append(resources.time()).append('\n');
        if (resources.cpusPerTask() != null) s.append("#SBATCH --cpus-per-task=").append(resources.cpusPerTask()).append('\n');
        if (resources.mem() != null) s.append("#SBATCH --mem=").append(resources.mem()).append('\n');
        if (ranks > 1) {
            s.append("#SBATCH --nodes=1\n");
            s.append("#SBATCH --ntasks-per-node=").append(ranks).append('\n');
        }
        Integer gpus = ranks > 1 && cuda ? Integer.valueOf(1) : resources.gpusPerTask();   // several ranks: one GPU each
        if (gpus != null) s.append("#SBATCH --gpus-per-task=").append(gpus).append('\n');
        if (afterOk != null) {
            s.append("#SBATCH --dependency=afterok:").append(afterOk).append('\n');
            s.append("#SBATCH --kill-on-invalid-dep=yes\n"); // a failed training task cancels this array instead of leaving it pending forever
        }
        s.append("set -euo pipefail\n");
        if (cuda) s.append("export CROSSGEN_CUDA=1\n");
        if (ranks > 1) {
            s.append("# training.gpus_per_job: ").append(ranks).append(": run-cell claims the job, then starts its ranks with\n# srun --nodes=1 --ntasks=")
                    .append(ranks).append(" --ntasks-per-node=").append(ranks).append(" --kill-on-bad-exit=1")
                    .append(cuda ? " --gpus-per-task=1" : "").append(" ... study train-rank\n");
        }
        s.append("exec ").append(quote(worker.launcher())).append(" study run-cell ").append(quote(spec)).append(" --out ")
                .append(quote(dir)).append(" --phase ").append(phase.cliName).append(" --index \"$SLURM_ARRAY_TASK_ID\" --keys ")
                .append(quote(keysFile)).append(" --device ").append(quote(worker.device())).append(" --batch-size ")
                .append(worker.batchSize()).append(" --lease-minutes ").append(worker.leaseMinutes());
        for (Path f : worker.taskFiles()) s.append(" --task-file ").append(quote(f));
        if (ranks > 1) s.append(" --rank-launcher srun");
        s.append('\n');
        return s.toString();
    }

    /** {@code value} as one shell word: unchanged when it is plain, else single-quoted. */
    static String quote(Object value) {
        String v = value.toString();
        return v.matches("[A-Za-z0-9_./:=@%+-]+") ? v : "'" + v.replace("'", "'\\''") + "'";
    }

    private void refuseWhileQueued(Path slurmDir) throws IOException {
        Path file = slurmDir.resolve(SUBMISSIONS);
        if (!Files.isRegularFile(file)) return;
        Set<String> ours = new LinkedHashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length >= 3) ours.add(f[2]);
        }
        ours.retainAll(slurm.queued());
        if (!ours.isEmpty()) {
            throw new IllegalStateException(dir + ": array(s) " + String.join(", ", ours) + " of this study are still queued or "
                    + "running; --retry-failed would submit their pending tasks again. Wait for them (squeue -j "
                    + String.join(",", ours) + ") or scancel them first");
        }
    }

    /** {@code s001}, {@code s002}, ...: the first name no keys or script file uses. */
    private static String nextName(Path slurmDir) throws IOException {
        Set<String> used = new HashSet<>();
        if (Files.isDirectory(slurmDir)) {
            try (var files = Files.list(slurmDir)) {
                files.map(p -> p.getFileName().toString()).filter(f -> f.matches("s\\d{3,}-.*")).forEach(f -> used.add(f.substring(0, f.indexOf('-'))));
            }
        }
        for (int i = 1; ; i++) {
            String name = String.format("s%03d", i);
            if (!used.contains(name)) return name;
        }
    }

    /** The job id in sbatch's {@code --parsable} output: {@code 123} or {@code 123;cluster}. */
    static String parseJobId(String sbatchOutput) throws IOException {
        String first = sbatchOutput.strip().lines().findFirst().orElse("");
        String id = first.split(";", 2)[0].strip();
        if (!id.matches("\\d+")) throw new IOException("sbatch printed \"" + sbatchOutput.strip() + "\", expected a job id");
        return id;
    }

    /** The real scheduler: {@code sbatch --parsable} and {@code squeue}, from PATH. */
    public static Slurm commands() {
        return new Slurm() {
            @Override
            public String sbatch(Path script) throws IOException {
                return parseJobId(exec(List.of("sbatch", "--parsable", script.toString())));
            }

            @Override
            public Set<String> queued() throws IOException {
                Set<String> ids = new HashSet<>();
                for (String line : exec(List.of("squeue", "-h", "-u", System.getProperty("user.name"), "-o", "%F")).split("\n")) {
                    if (!line.isBlank()) ids.add(line.strip());
                }
                return ids;
            }
        };
    }

    private static String exec(List<String> command) throws IOException {
        Path err = Files.createTempFile("crossgen-slurm", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err).strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
