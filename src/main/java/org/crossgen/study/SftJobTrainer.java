package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;
import org.crossgen.dist.Collectives;
import org.crossgen.prompt.Sampler;
import org.crossgen.files.FileTrees;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.train.FineTuning;
import org.crossgen.train.MemoryPlan;
import org.crossgen.train.Precision;
import org.crossgen.train.TrainConfig;
import org.crossgen.train.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The study's {@link Trainer}: fine-tunes the job's base model with {@link FineTuning} and leaves a
 * plain Hugging Face checkpoint in the output folder (a LoRA adapter is merged into the weights,
 * and kept under {@code adapter/}), with the tokenizer files, {@code metrics.jsonl} and
 * {@code run_card.json}, so the evaluator loads every model the same way; and its drift from the
 * base ({@code drift.json}, {@link DriftCache}).
 *
 * <p>A job of several ranks ({@code training.gpus_per_job}) is handed to {@link Ranks}, which starts
 * them (as local processes, or as a Slurm job step); each rank then runs {@link #trainRank}.
 */
public final class SftJobTrainer implements Trainer {
    private static final Logger log = LoggerFactory.getLogger(SftJobTrainer.class);

    /** Starts the ranks of a job that has several, each running {@link #trainRank}; returns when all succeeded, else throws. */
    @FunctionalInterface
    public interface Ranks {
        void start(TrainingJob job, Path outDir) throws Exception;
    }

    private final TaskRegistry registry;
    private final ComputeDevice device;
    private final TrainingListener listener;
    private final Ranks ranks;

    /**
     * @param device   the device of a one-rank job (a rank of a larger job picks its own, see {@link FineTuning#rankDevice})
     * @param listener training progress of rank 0
     * @param ranks    starts the ranks of a job with several (null: such a job fails with a message)
     */
    public SftJobTrainer(TaskRegistry registry, ComputeDevice device, TrainingListener listener, Ranks ranks) {
        this.registry = registry;
        this.device = device;
        this.listener = listener;
        this.ranks = ranks;
    }

    @Override
    public void train(TrainingJob job, Path outDir) throws Exception {
        if (job.training().ranks() > 1) {
            if (ranks == null) throw new IllegalStateException(job.label() + " trains on " + job.training().ranks() + " ranks, and this worker cannot start ranks");
            ranks.start(job, outDir);
        } else {
            try (Collectives single = Collectives.single(device)) {
                trainRank(job, outDir, single);
            }
        }
        FileTrees.delete(outDir.resolve("run")); // checkpoints and optimizer state are not needed once the job is done
        try {   // now, while other workers still train or evaluate, not in the export after them all
            new DriftCache(registry, device).rows(List.of(job), j -> outDir);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: drift not measured ({}); the study's export measures it", job.label(), e.getMessage());
        }
    }

    /**
     * This process's part of {@code job}: trains in {@code outDir/run} with {@code group} (resuming an
     * interrupted run there), and on rank 0 publishes the model into {@code outDir}.
     */
    public void trainRank(TrainingJob job, Path outDir, Collectives group) throws Exception {
        StudySpec.Training t = job.training();
        Dataset dataset = registry.dataset(job.trainDataset());
        int records = dataset.trainExamples(job.trainSize()).size();   // one training example per record
        int examples = job.trainRecords() > 0 ? Math.min(job.trainRecords(), records) : records;
        var spec = new FineTuning.Job(job.base().dir(), job.base().name(), dataset, job.trainSize(), t.template(), job.trainShots(), Sampler.FIRST_K,
                job.seed(), job.trainRecords(), config(job, examples), job.promptCompat());
        ComputeDevice rankDevice = FineTuning.rankDevice(device, group.environment());
        // resume: continues a run interrupted in this folder, or starts fresh
        new FineTuning(rankDevice, group, group.isMain() ? listener : TrainingListener.NONE, 0)
                .run(spec, outDir.resolve("run"), outDir, true, FineTuning.LoraOutput.MERGED);
    }

    /** The memory plan of one rank of {@code job}, from its base model's {@code config.json} alone. */
    public static MemoryPlan memoryPlan(TrainingJob job) throws IOException {
        if (job.base().dir() == null) throw new IOException("not on this machine; the memory plan needs its config.json");
        return MemoryPlan.of(LlamaConfig.read(job.base().dir()), config(job, 0), job.training().ranks());
    }

    /**
     * The job's training configuration. The micro-batch is the largest of 4, 2, 1 that divides each
     * rank's share of the effective batch, so every rank has work in every step.
     */
    static TrainConfig config(TrainingJob job, int examples) {
        StudySpec.Training t = job.training();
        int perRank = t.batchSize() % t.ranks() == 0 ? t.batchSize() / t.ranks() : t.batchSize();
        int micro = perRank % 4 == 0 ? 4 : perRank % 2 == 0 ? 2 : 1;
        StudySpec.Lora l = job.lora();
        return TrainConfig.builder().epochs(t.epochs()).learningRate(t.lr()).schedule(t.schedule())
                .warmupSteps(TrainConfig.warmupSteps(t.warmupRatio(), examples, t.batchSize(), t.epochs())).weightDecay(t.weightDecay())
                .microBatchSize(micro).gradientAccumulation(t.batchSize() / micro).maxLength(t.maxLength())
                .precision(Precision.forDType("dtype", job.dtype())).seed(job.seed())
                .activationCheckpointing(t.activationCheckpointing()).sharding(t.zero())
                .checkpointEvery(50).lora(l == null ? null : new LoraConfig(l.r(), l.alpha(), l.dropout(), l.targets()))
                .build();
    }

}
