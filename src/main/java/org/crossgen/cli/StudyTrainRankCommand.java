package org.crossgen.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.dist.Collectives;
import org.crossgen.dist.RankEnvironment;
import org.crossgen.study.SftJobTrainer;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.TrainingJob;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.train.FineTuning;
import org.crossgen.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** One rank of a study's training job, started by {@link TrainingRanks}; its place in the job comes from the environment. */
@Command(name = "train-rank", hidden = true, mixinStandardHelpOptions = true,
        description = "One rank of a study's training job with training.gpus_per_job > 1 (started by study run and run-cell).")
final class StudyTrainRankCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;
    @Mixin RegistryOptions registryOptions;
    @Mixin StudySpecOptions specOptions;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "The training job's key.") String key;
    @Option(names = "--model-out", required = true, paramLabel = "DIR", description = "The job's (partial) model folder.") Path out;
    @Option(names = "--device", defaultValue = "cpu", converter = DeviceName.class, paramLabel = "DEV") String device;
    @Option(names = "--dist-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "A rank waiting longer than this for the others fails. Default: ${DEFAULT-VALUE}.") long distTimeout;

    @Override
    public Integer call() throws Exception {
        TaskRegistry registry = registryOptions.registry();
        StudyPlan plan = StudyCommand.plan(specOptions.spec, specOptions.layout(), registry, false);
        TrainingJob job = plan.jobs().stream().filter(j -> j.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--key " + key + ": no training job of " + specOptions.spec + " has this key"));
        RankEnvironment env = RankEnvironment.current();
        ComputeDevice requested = ComputeDevice.parse(device);
        try (Collectives group = Collectives.connect(env, FineTuning.rankDevice(requested, env), Duration.ofSeconds(distTimeout))) {
            TrainingListener log = group.isMain() ? StudyRunCellCommand.trainingLog(study.root.out(), "rank 0: ") : TrainingListener.NONE;
            new SftJobTrainer(registry, requested, log, null).trainRank(job, out, group);
        }
        return 0;
    }
}
