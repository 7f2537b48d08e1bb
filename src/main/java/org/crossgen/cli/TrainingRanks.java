package org.crossgen.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crossgen.dist.LocalLauncher;
import org.crossgen.dist.RankLauncher;
import org.crossgen.dist.SrunLauncher;
import org.crossgen.study.SftJobTrainer;
import org.crossgen.study.TrainingJob;
import org.crossgen.tensor.ComputeDevice;

/**
 * Starts the ranks of a study's training job ({@code training.gpus_per_job: N}), each running
 * {@code crossgen study train-rank SPEC --out DIR --key KEY --model-out FOLDER}: as child JVMs on this
 * machine ({@code study run}, {@code run-cell}), or as a Slurm job step ({@code run-cell
 * --rank-launcher srun}, what {@code study submit --slurm} writes). The worker that claimed the
 * job stays the only one that talks to the results store; the ranks only train.
 */
final class TrainingRanks implements SftJobTrainer.Ranks {
    /** Where the ranks run. */
    enum Launch {
        LOCAL, SRUN;

        static Launch parse(String option, String value) {
            for (Launch l : values()) if (l.name().toLowerCase(Locale.ROOT).equals(value)) return l;
            throw new IllegalArgumentException(option + " " + value + ": expected local|srun");
        }
    }

    private final Path spec, dir;
    private final List<Path> taskFiles;
    private final String device;
    private final Launch launch;
    private final PrintWriter out, err;

    TrainingRanks(Path spec, Path dir, List<Path> taskFiles, String device, Launch launch, PrintWriter out, PrintWriter err) {
        this.spec = spec.toAbsolutePath().normalize();
        this.dir = dir.toAbsolutePath().normalize();
        this.taskFiles = taskFiles.stream().map(f -> f.toAbsolutePath().normalize()).toList();
        this.device = device;
        this.launch = launch;
        this.out = out;
        this.err = err;
    }

    @Override
    public void start(TrainingJob job, Path outDir) throws Exception {
        int n = job.training().ranks();
        RankLauncher launcher = launch == Launch.SRUN ? new SrunLauncher(n, ComputeDevice.parse(device).isCuda(), System.getenv())
                : new LocalLauncher(n, out, err);
        RankLauncher.Outcome o = launcher.run(CrossgenCommand.class.getName(), arguments(job, outDir), Map.of());
        if (o.exitCode() != 0) throw new IllegalStateException(job.label() + ": training on " + n + " ranks failed: " + o.message());
    }

    /** The command line of each rank. */
    List<String> arguments(TrainingJob job, Path outDir) {
        List<String> args = new ArrayList<>(List.of("study", "train-rank", spec.toString(), "--out", dir.toString(), "--key", job.key(),
                "--model-out", outDir.toAbsolutePath().normalize().toString(), "--device", device));
        for (Path f : taskFiles) {
            args.add("--task-file");
            args.add(f.toString());
        }
        return args;
    }
}
