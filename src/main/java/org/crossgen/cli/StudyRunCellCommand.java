package org.crossgen.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.files.InputFiles;
import org.crossgen.study.CellWorker;
import org.crossgen.study.StudyLayout;
import org.crossgen.study.StudyPhase;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudyWorker;
import org.crossgen.study.TorchCellEvaluator;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "run-cell", mixinStandardHelpOptions = true,
        description = "Run one training job or evaluation cell of a study, selected by index: the work of one Slurm array "
                + "task or Kubernetes Indexed Job pod. Idempotent: done work is skipped, a claim keeps two workers off the same cell.")
final class StudyRunCellCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;
    @Mixin RegistryOptions registryOptions;
    @Mixin WorkerOptions workerOptions;

    @Mixin StudySpecOptions specOptions;


    @Option(names = "--phase", required = true, paramLabel = "train|eval", description = "Training jobs or evaluation cells.")
    StudyPhase phase;

    @Option(names = "--index", paramLabel = "I",
            description = "Which job or cell, from 0 (default: $JOB_COMPLETION_INDEX, then $SLURM_ARRAY_TASK_ID).")
    Integer index;

    @Option(names = "--keys", paramLabel = "FILE",
            description = "Index into this file's lines (written by submit) instead of the plan's order.")
    Path keys;

    @Option(names = "--rank-launcher", defaultValue = "local", paramLabel = "local|srun",
            description = "How a training job of several ranks (training.gpus_per_job) starts them: local processes, or a Slurm "
                    + "job step in this task's allocation (what study submit --slurm writes). Default: ${DEFAULT-VALUE}.")
    String rankLauncher;



    @Override
    public Integer call() throws Exception {
        StudyPhase p = phase;
        StudyLayout layout = specOptions.layout();
        TaskRegistry registry = registryOptions.registry();
        StudyPlan plan = StudyCommand.plan(specOptions.spec, layout, registry, true);
        String key = key(p, plan, index());
        CellWorker.Outcome outcome;
        try (TorchCellEvaluator evaluator = new TorchCellEvaluator(registry, ComputeDevice.parse(workerOptions.device), workerOptions.batchSize, null)) {
            TrainingRanks ranks = new TrainingRanks(specOptions.spec, layout.dir(), registryOptions.taskFiles, workerOptions.device,
                    TrainingRanks.Launch.parse("--rank-launcher", rankLauncher), study.root.out(), study.root.err());
            CellWorker worker = new CellWorker(layout, StudyCommand.trainer(registry, ComputeDevice.parse(workerOptions.device),
                    trainingLog(study.root.out(), "run-cell: "), ranks), evaluator,
                    Duration.ofMinutes(workerOptions.leaseMinutes),
                    Duration.ofSeconds(5), StudyWorker.processId(), line -> study.root.out().println("run-cell: " + line));
            outcome = worker.run(plan, p, key);
        }
        (outcome.status().ok ? study.root.out() : study.root.err()).println((outcome.status().ok ? "" : "error: ")
                + outcome.status().name().toLowerCase().replace('_', ' ') + ": " + outcome.message());
        return outcome.status().ok ? 0 : 1;
    }

    /** Training progress for a task's log, each line starting with {@code prefix}: its start (or resumed step) and each checkpoint. */
    static TrainingListener trainingLog(PrintWriter out, String prefix) {
        return new TrainingListener() {
            @Override
            public void onStart(long startStep, long totalSteps) {
                out.println(prefix + "training from step " + startStep + " of " + totalSteps);
                out.flush();
            }

            @Override
            public void onCheckpoint(long step, Path checkpoint) {
                out.println(prefix + "checkpoint at step " + step + ": " + checkpoint);
                out.flush();
            }
        };
    }

    private int index() {
        if (index != null) return index;
        for (String env : List.of("JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                try {
                    return Integer.parseInt(v.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("$" + env + " is \"" + v + "\", not an index");
                }
            }
        }
        throw new IllegalArgumentException("give --index I (or run as a Slurm array task or Kubernetes Indexed Job)");
    }

    /** Line {@code i} of the keys file, else the plan's {@code i}-th job or cell. */
    private String key(StudyPhase p, StudyPlan plan, int i) throws Exception {
        List<String> list;
        String source;
        if (keys != null) {
            list = Files.readAllLines(InputFiles.requireRegularFile(keys, "keys file"), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(String::strip).toList();
            source = keys.toString();
        } else {
            list = p.keys(plan);
            source = "the plan of " + specOptions.spec + " (" + p.noun + "s)";
        }
        if (i < 0 || i >= list.size()) {
            throw new IllegalArgumentException("index " + i + " is out of range: " + source + " lists " + list.size()
                    + (list.isEmpty() ? "" : " (0.." + (list.size() - 1) + ")"));
        }
        return list.get(i);
    }
}
