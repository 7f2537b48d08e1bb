package org.crossgen.cli;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.crossgen.study.SlurmSubmitter;
import org.crossgen.study.StudyLayout;
import org.crossgen.study.StudyPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a study to Slurm: one job array of training jobs, then one of evaluation cells after it "
                + "(each task runs `crossgen study run-cell`). See docs/scale-out.md.")
final class StudySubmitCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;
    @Mixin RegistryOptions registryOptions;
    @Mixin WorkerOptions workerOptions;

    @Mixin StudySpecOptions specOptions;

    @Option(names = "--slurm", required = true, description = "Submit to Slurm (sbatch job arrays); the only scheduler so far.")
    boolean slurm;


    @Option(names = "--partition", paramLabel = "P", description = "Slurm partition.")
    String partition;

    @Option(names = "--gpus-per-task", paramLabel = "N", description = "GPUs per array task (1 with --device cuda).")
    Integer gpusPerTask;

    @Option(names = "--time", paramLabel = "T", description = "Time limit per task, e.g. 04:00:00.")
    String time;

    @Option(names = "--max-parallel", paramLabel = "K", description = "Tasks of an array running at once (--array=0-(n-1)%%K).")
    Integer maxParallel;

    @Option(names = "--cpus-per-task", paramLabel = "C", description = "CPUs per task.")
    Integer cpusPerTask;

    @Option(names = "--mem", paramLabel = "M", description = "Memory per task, e.g. 32G.")
    String mem;

    @Option(names = "--retry-failed", description = "Resubmit only work no live worker holds: failed, left pending, or "
            + "running under an expired lease. Refused while an array of this study is still queued.")
    boolean retryFailed;

    @Option(names = "--dry-run", description = "Print the scripts; write and submit nothing.")
    boolean dryRun;




    @Option(names = "--launcher", paramLabel = "FILE", description = "The crossgen launcher tasks run (default: the one of this checkout).")
    Path launcher;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = study.root.out();
        StudyLayout layout = new StudyLayout(specOptions.layout().dir().toAbsolutePath().normalize());
        Path folder = layout.dir();
        StudyPlan plan = StudyCommand.plan(specOptions.spec, layout, registryOptions.registry(), !dryRun);
        SlurmSubmitter submitter = new SlurmSubmitter(folder, specOptions.spec,
                new SlurmSubmitter.Resources(partition, gpusPerTask, time, maxParallel, cpusPerTask, mem),
                new SlurmSubmitter.Worker(launcher(), workerOptions.device, workerOptions.batchSize, workerOptions.leaseMinutes,
                        registryOptions.taskFiles.stream().map(f -> f.toAbsolutePath().normalize()).toList()), SlurmSubmitter.commands());
        SlurmSubmitter.Submission s = submitter.submit(plan, retryFailed, dryRun);

        out.println("study " + specOptions.spec + " -> " + folder + ": training jobs left " + s.jobsLeft() + "/" + plan.jobs().size()
                + ", evaluation cells left " + s.cellsLeft() + "/" + plan.cells().size());
        if (s.arrays().isEmpty()) {
            out.println(retryFailed ? "nothing to retry: no failed, abandoned or left-over work" : "nothing to submit: the study is done");
            return 0;
        }
        for (SlurmSubmitter.ArrayJob a : s.arrays()) {
            String what = a.phase().noun + "(s)";
            if (dryRun) {
                out.println("--- " + a.script() + " (" + a.keys().size() + " " + what + ") ---");
                out.print(a.text());
                out.flush();
            } else {
                out.println("submitted " + a.phase().cliName + " array " + a.jobId() + ": " + a.keys().size() + " " + what
                        + " (" + a.script() + ")");
            }
        }
        if (!dryRun) {
            out.println("logs: " + layout.slurm().resolve("logs") + "/<job>_<task>.out; progress: crossgen study status " + folder);
        }
        return 0;
    }

    /** {@code --launcher}, else {@code crossgen} in the checkout whose {@code target/classes} this runs from. */
    private Path launcher() throws URISyntaxException {
        if (launcher != null) {
            if (!Files.isExecutable(launcher)) throw new IllegalArgumentException("--launcher " + launcher + ": not an executable file");
            return launcher.toAbsolutePath().normalize();
        }
        Path classes = Path.of(StudySubmitCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path candidate = classes.getParent() == null || classes.getParent().getParent() == null ? null
                : classes.getParent().getParent().resolve("crossgen");
        if (candidate == null || !Files.isExecutable(candidate)) {
            throw new IllegalArgumentException("cannot find the crossgen launcher next to " + classes + "; give --launcher FILE");
        }
        return candidate.toAbsolutePath().normalize();
    }
}
