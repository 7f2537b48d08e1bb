package org.crossgen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.progress.ProgressBar;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.files.FileTrees;
import org.crossgen.text.Tokenizer;
import org.crossgen.train.SftRun;
import org.crossgen.train.TrainConfig;
import org.crossgen.train.TrainResult;
import org.crossgen.train.TrainingData;
import org.crossgen.train.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tune a model on one training set, plainly (ft) or with k demonstrations in every prompt (fticl).",
                "The output folder is a Hugging Face checkpoint (or a PEFT adapter with --lora) plus run_card.json,",
                "metrics.jsonl, loss.png and checkpoints/ (for --resume)."})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;
    @Mixin ModelOptions modelOptions;
    @Mixin TrainOptions trainOptions;

    @Option(names = "--dataset", required = true, paramLabel = "TASK/NAME", description = "Training dataset, e.g. sentiment/amazon.") String dataset;
    @Option(names = "--size", defaultValue = "2000", description = "Training file size: 2000, 4000 or 6000 where it exists.") int size;
    @Option(names = "--method", defaultValue = "ft", description = "ft or fticl.") String method;
    @Option(names = "--shots", defaultValue = "0", description = "FTICL demonstrations per training prompt.") int shots;
    @Option(names = "--template", defaultValue = "0") int template;
    @Option(names = "--sampler", defaultValue = "paper", description = "paper (first k) or random.") String sampler;
    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N records only (0 = all).") int limit;
    @Option(names = "--merge", description = "With --lora: also write the merged full model to OUT/merged.") boolean merge;
    @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.") boolean resume;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;

    @Override
    public Integer call() throws Exception {
        if (!method.equals("ft") && !method.equals("fticl")) throw new IllegalArgumentException("--method must be ft or fticl, got " + method);
        if (method.equals("ft") && shots != 0) throw new IllegalArgumentException("--method ft trains without demonstrations; use --method fticl --shots " + shots);
        if (method.equals("fticl") && shots == 0) throw new IllegalArgumentException("--method fticl needs --shots K > 0");
        Dataset ds = TaskRegistry.paper().dataset(dataset);
        if (!ds.train().containsKey(size)) throw new IllegalArgumentException(dataset + " has no training file of size " + size + "; sizes: " + ds.train().keySet());
        TrainConfig config = trainOptions.config();
        Path base = modelOptions.modelDir();
        try (Tokenizer tokenizer = TextRequests.tokenizer(modelOptions);
             LlamaModel model = LlamaModel.load(base, config.precision().weights, ComputeDevice.parse(modelOptions.device))) {
            TrainingData data = TrainingData.of(ds, size, template, shots, sampler, config.seed(), limit, config.maxLength(), tokenizer);
            if (data.truncated() > 0) root.err().println(data.truncated() + " of " + data.examples().size() + " prompts were truncated to " + config.maxLength() + " tokens");
            TrainResult result;
            try (SftRun run = new SftRun(model, data.examples(), config, out); ProgressBar bar = ProgressBar.forConsole("train " + dataset, 0, false)) {
                run.baseModelName(base.toString()).listener(new TrainingProgress(bar));
                if (resume) run.resume();
                else run.setUp();
                result = run.train();
                if (run.adapter() != null && merge) {
                    run.adapter().merge();
                    model.save(out.resolve("merged"));
                    copyTokenizer(base, out.resolve("merged"));
                }
                if (run.adapter() != null) run.adapter().close();
            }
            FileTrees.moveContents(result.output(), out); // the output folder itself is the checkpoint
            copyTokenizer(base, out);
            root.out().printf("trained %d steps, final loss %.4f, %.0f tokens/s, %.1f s -> %s%n", result.steps(), result.finalLoss(),
                    result.tokensPerS(), result.wallS(), out);
        }
        return 0;
    }


    static void copyTokenizer(Path from, Path to) throws IOException {
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            if (Files.exists(from.resolve(f))) Files.copy(from.resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
