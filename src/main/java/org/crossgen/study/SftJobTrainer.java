package org.crossgen.study;

import java.nio.file.Path;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;
import org.crossgen.dist.Collectives;
import org.crossgen.prompt.Sampler;
import org.crossgen.files.FileTrees;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.train.FineTuning;
import org.crossgen.train.Precision;
import org.crossgen.train.TrainConfig;
import org.crossgen.train.TrainingListener;

/**
 * The study's {@link Trainer}: fine-tunes the job's base model with {@link FineTuning} and leaves a
 * plain Hugging Face checkpoint in the output folder (a LoRA adapter is merged into the weights,
 * and kept under {@code adapter/}), with the tokenizer files, {@code metrics.jsonl} and
 * {@code run_card.json}, so the evaluator loads every model the same way.
 */
public final class SftJobTrainer implements Trainer {
    private final TaskRegistry registry;
    private final ComputeDevice device;
    private final TrainingListener listener;

    public SftJobTrainer(TaskRegistry registry, ComputeDevice device, TrainingListener listener) {
        this.registry = registry;
        this.device = device;
        this.listener = listener;
    }

    @Override
    public void train(TrainingJob job, Path outDir) throws Exception {
        StudySpec.Training t = job.training();
        Path work = outDir.resolve("run");
        Dataset dataset = registry.dataset(job.trainDataset());
        int records = dataset.trainExamples(job.trainSize()).size();   // one training example per record
        int examples = job.trainRecords() > 0 ? Math.min(job.trainRecords(), records) : records;
        var spec = new FineTuning.Job(job.base().dir(), job.base().name(), dataset, job.trainSize(), t.template(), job.trainShots(), Sampler.FIRST_K,
                job.seed(), job.trainRecords(), config(job, examples));
        try (Collectives single = Collectives.single(device)) {
            // resume: continues a run interrupted in this folder, or starts fresh
            new FineTuning(device, single, listener, 0).run(spec, work, outDir, true, FineTuning.LoraOutput.MERGED);
        }
        FileTrees.delete(work); // checkpoints and optimizer state are not needed once the job is done
    }

    static TrainConfig config(TrainingJob job, int examples) {
        StudySpec.Training t = job.training();
        int micro = t.batchSize() % 4 == 0 ? 4 : t.batchSize() % 2 == 0 ? 2 : 1;
        StudySpec.Lora l = job.lora();
        return TrainConfig.builder().epochs(t.epochs()).learningRate(t.lr()).schedule(t.schedule())
                .warmupSteps(TrainConfig.warmupSteps(t.warmupRatio(), examples, t.batchSize(), t.epochs())).weightDecay(t.weightDecay())
                .microBatchSize(micro).gradientAccumulation(t.batchSize() / micro).maxLength(t.maxLength())
                .precision(Precision.forDType("dtype", job.dtype())).seed(job.seed())
                .checkpointEvery(50).lora(l == null ? null : new LoraConfig(l.r(), l.alpha(), l.dropout(), l.targets()))
                .build();
    }

}
