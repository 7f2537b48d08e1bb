package org.crossgen.train;

import java.nio.file.Path;
import java.util.List;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraConfig;

/**
 * A small training main for {@link KillResumeTest}, run in a child JVM:
 * {@code ResumeChild OUT fresh|resume full|lora SLEEP_MS}. SLEEP_MS pauses after each step (in the
 * listener, outside the numerics) so the parent can kill the run mid-way.
 */
public final class ResumeChild {
    private ResumeChild() {}

    static TrainConfig config(boolean lora) {
        return TrainConfig.builder().epochs(3).learningRate(1e-2).schedule(LrSchedule.COSINE).warmupSteps(2).weightDecay(0.1)
                .microBatchSize(2).gradientAccumulation(2).maxLength(16).seed(13).checkpointEvery(2).keepCheckpoints(2)
                .lora(lora ? new LoraConfig(4, 8, 0.1, List.of("q_proj", "v_proj")) : null).build();
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        boolean resume = args[1].equals("resume");
        boolean lora = args[2].equals("lora");
        long sleepMs = Long.parseLong(args[3]);
        try (LlamaModel model = TinyTask.model(5);
             SftRun run = new SftRun(model, TinyTask.examples(24, 7), config(lora), out).baseModelName("tiny-random")) {
            run.listener(new TrainingListener() {
                @Override public void onStep(StepMetrics m) {
                    System.out.printf("step %d loss %.6f%n", m.step(), m.loss());
                    try {
                        Thread.sleep(sleepMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            if (resume) run.resume();
            else run.setUp();
            run.train();
            if (run.adapter() != null) run.adapter().close();
        }
        System.out.println("done");
    }
}
