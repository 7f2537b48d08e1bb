package org.crossgen.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.crossgen.data.TaskRegistry;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.files.FileTrees;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.text.Tokenizer;
import org.crossgen.train.LrSchedule;
import org.crossgen.train.Precision;
import org.crossgen.train.SftRun;
import org.crossgen.train.TrainConfig;
import org.crossgen.train.TrainResult;
import org.crossgen.train.TrainingData;
import org.crossgen.train.TrainingListener;

/**
 * The study's {@link Trainer}: fine-tunes the job's base model with {@link SftRun} and leaves a
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
        Precision precision = Precision.forDType("dtype", DType.parse(job.dtype()));
        try (Tokenizer tokenizer = Tokenizer.load(job.baseDir());
             LlamaModel model = LlamaModel.load(job.baseDir(), precision.weights, device)) {
            TrainingData data = TrainingData.of(registry.dataset(job.trainDataset()), job.trainSize(), t.template(),
                    job.trainShots(), "paper", job.seed(), job.trainRecords(), t.maxLength(), tokenizer);
            TrainConfig config = config(job, data.examples().size());
            TrainResult result;
            try (SftRun run = new SftRun(model, data.examples(), config, work)) {
                run.baseModelName(job.baseModel()).listener(listener);
                run.resume(); // continues a run interrupted in this folder, or starts fresh
                result = run.train();
                if (run.adapter() != null) {
                    try (var adapter = run.adapter()) {
                        adapter.merge();
                    }
                    model.save(outDir);
                    FileTrees.moveContents(result.output(), outDir.resolve("adapter"));
                } else {
                    FileTrees.moveContents(result.output(), outDir);
                }
            }
        }
        for (String f : new String[] {"metrics.jsonl", "run_card.json", "loss.png"}) {
            if (Files.exists(work.resolve(f))) Files.copy(work.resolve(f), outDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            if (Files.exists(job.baseDir().resolve(f))) Files.copy(job.baseDir().resolve(f), outDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        FileTrees.delete(work); // checkpoints and optimizer state are not needed once the job is done
    }

    static TrainConfig config(TrainingJob job, int examples) {
        StudySpec.Training t = job.training();
        int micro = t.batchSize() % 4 == 0 ? 4 : t.batchSize() % 2 == 0 ? 2 : 1;
        long steps = (long) Math.ceil(examples / (double) t.batchSize()) * t.epochs();
        StudySpec.Lora l = job.lora();
        return TrainConfig.builder().epochs(t.epochs()).learningRate(t.lr()).schedule(LrSchedule.parse(t.schedule()))
                .warmupSteps(Math.round(t.warmupRatio() * steps)).weightDecay(t.weightDecay())
                .microBatchSize(micro).gradientAccumulation(t.batchSize() / micro).maxLength(t.maxLength())
                .precision(Precision.forDType("dtype", DType.parse(job.dtype()))).seed(job.seed())
                .checkpointEvery(50).lora(l == null ? null : new LoraConfig(l.r(), l.alpha(), l.dropout(), l.targets()))
                .build();
    }

}
