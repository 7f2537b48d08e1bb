package org.crossgen.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.crossgen.dist.Collectives;
import org.crossgen.dist.RankEnvironment;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.tensor.ComputeDevice;

/**
 * One rank of {@link DataParallelTest}'s jobs, started by {@link org.crossgen.dist.LocalLauncher}:
 * {@code RankChild OUT RUN...}, each RUN {@code name:mode:zero[:resume|:stopAt=K]} with mode
 * {@code full} or {@code lora}, trained one after the other in the same process group, into
 * {@code OUT/name}. {@code stopAt=K} exits with code 3 right after the checkpoint of step K.
 */
public final class RankChild {
    private RankChild() {}

    /** The data-parallel tests' job: 24 examples, effective batch 8 (3 steps), micro-batch 4. */
    static TrainConfig config(String mode, Sharding sharding) {
        return TrainConfig.builder().epochs(1).learningRate(1e-2).schedule(LrSchedule.COSINE).warmupSteps(1).weightDecay(0.1)
                .microBatchSize(4).gradientAccumulation(2).maxLength(16).seed(13).checkpointEvery(1).keepCheckpoints(3)
                .sharding(sharding).lora(mode.equals("lora") ? new LoraConfig(4, 8, 0.1, List.of("q_proj", "v_proj")) : null).build();
    }

    static List<SftExample> examples() {
        return TinyTask.examples(24, 7);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        try (Collectives group = Collectives.connect(RankEnvironment.current(), ComputeDevice.CPU, Duration.ofSeconds(60))) {
            for (int i = 1; i < args.length; i++) {
                String[] run = args[i].split(":");
                long stopAt = run.length > 3 && run[3].startsWith("stopAt=") ? Long.parseLong(run[3].substring(7)) : -1;
                try (LlamaModel model = TinyTask.model(5);
                     SftRun sft = new SftRun(model, examples(), config(run[1], Sharding.parse("zero", run[2])), out.resolve(run[0]))) {
                    sft.collectives(group).baseModelName("tiny-random").listener(new TrainingListener() {
                        @Override public void onCheckpoint(long step, Path dir) {
                            if (step == stopAt) {
                                System.out.println("rank " + group.rank() + " stops after checkpoint " + step);
                                System.exit(3);
                            }
                        }
                    });
                    if (run.length > 3 && run[3].equals("resume")) sft.resume();
                    else sft.setUp();
                    TrainResult r = sft.train();
                    System.out.printf("rank %d %s: %d steps, loss %.6f%n", group.rank(), run[0], r.steps(), r.finalLoss());
                    if (sft.adapter() != null) sft.adapter().close();
                }
            }
        }
    }
}
