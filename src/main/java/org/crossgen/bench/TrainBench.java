package org.crossgen.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.data.TaskRegistry;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.text.Tokenizer;
import org.crossgen.train.SftExample;
import org.crossgen.train.TrainConfig;
import org.crossgen.train.TrainingBench;
import org.crossgen.train.TrainingData;

/**
 * Fine-tuning tokens/s on real training examples (sentiment/amazon, template 0): full fine-tuning
 * (the baseline) and LoRA r=8 on q/v, for the ~58M-parameter shape and for a given model folder.
 */
public final class TrainBench {
    private final PrintWriter out;
    private final int steps;

    public TrainBench(int steps, PrintWriter out) {
        this.steps = steps;
        this.out = out;
    }

    public void run(Path modelDir) throws IOException {
        List<SftExample> examples;
        try (Tokenizer tokenizer = Tokenizer.mistral32k()) {
            examples = TrainingData.of(TaskRegistry.paper().dataset("sentiment/amazon"), 2000, 0, 0, Sampler.FIRST_K, 1, 64, 512, tokenizer).examples();
        }
        TrainConfig full = TrainConfig.builder().microBatchSize(4).gradientAccumulation(2).maxLength(512).learningRate(1e-4).build();
        TrainConfig lora = full.toBuilder().lora(LoraConfig.defaults()).build();
        try (LlamaModel m = LlamaModel.random(EngineBench.shape58m(), 1234, DType.FLOAT32, ComputeDevice.CPU)) {
            report("58M shape (random weights)", m, full, lora, examples);
        }
        if (modelDir != null) {
            try (LlamaModel m = LlamaModel.load(modelDir, DType.FLOAT32, ComputeDevice.CPU)) {
                report(modelDir.getFileName().toString(), m, full, lora, examples);
            }
        }
    }

    private void report(String name, LlamaModel model, TrainConfig full, TrainConfig lora, List<SftExample> examples) throws IOException {
        model.prepareForTraining(true);
        TrainingBench.Result f = TrainingBench.measure(model, full, examples, 1, steps);
        out.printf("%-28s %,12d params  full FT %8.1f tokens/s (%.2f s/step), peak +%,d MB%n", name, model.parameterCount(), f.tokensPerS(),
                f.medianStepS(), f.peakBytes() >> 20);
        out.flush();
        TrainingBench.Result c = TrainingBench.measure(model, full.toBuilder().activationCheckpointing(true).build(), examples, 1, steps);
        out.printf("%-28s %12s          + activation checkpointing %7.1f tokens/s (%.2fx), peak +%,d MB (%.2fx)%n", "", "", c.tokensPerS(),
                c.tokensPerS() / f.tokensPerS(), c.peakBytes() >> 20, (double) c.peakBytes() / f.peakBytes());
        out.flush();
        TrainingBench.Result l = TrainingBench.measure(model, lora, examples, 1, steps);
        out.printf("%-28s %12s          LoRA r=8 %7.1f tokens/s (%.2f s/step, %.2fx full FT)%n", "", "", l.tokensPerS(), l.medianStepS(),
                l.tokensPerS() / f.tokensPerS());
        out.flush();
    }
}
