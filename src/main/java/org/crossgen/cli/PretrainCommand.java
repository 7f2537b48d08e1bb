package org.crossgen.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.progress.ProgressBar;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.files.FileTrees;
import org.crossgen.text.Tokenizer;
import org.crossgen.train.PretrainCorpus;
import org.crossgen.train.SftExample;
import org.crossgen.train.SftRun;
import org.crossgen.train.TrainResult;
import org.crossgen.train.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Train a causal LM from scratch on raw text or on the shipped training sets' inputs.",
                "--text: one document per line of .txt, or {\"text\": ...} per line of .jsonl; --train-inputs: the input fields",
                "of the shipped training sets (never test sets). Uses the mistral-32k tokenizer."})
final class PretrainCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;
    @Mixin TrainOptions trainOptions;

    @Option(names = "--text", arity = "1..*", paramLabel = "FILE") List<Path> text = List.of();
    @Option(names = "--train-inputs", description = "Use the inputs of every shipped training set (never test sets).") boolean trainInputs;
    @Option(names = "--config", defaultValue = "tiny", description = "Model shape: tiny (d 128, 4 layers, ~4.9M parameters) or 58m.") String shape;
    @Option(names = "--limit-docs", defaultValue = "0", description = "Use the first N documents (0 = all).") int limitDocs;
    @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.") boolean resume;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;

    static LlamaConfig shape(String name, int vocab) {
        return switch (name) {
            case "tiny" -> LlamaConfig.of(vocab, 128, 4, 4, 2, 352, true);
            case "58m" -> LlamaConfig.of(vocab, 512, 8, 8, 8, 1376, false);
            default -> throw new IllegalArgumentException("unknown --config \"" + name + "\"; known: [tiny, 58m]");
        };
    }

    @Override
    public Integer call() throws Exception {
        if (text.isEmpty() == !trainInputs) throw new IllegalArgumentException("give --text FILE... or --train-inputs (one of them)");
        List<String> docs = trainInputs ? PretrainCorpus.trainingInputs(TaskRegistry.paper()) : PretrainCorpus.readFiles(text);
        if (limitDocs > 0 && limitDocs < docs.size()) docs = docs.subList(0, limitDocs);
        var config = trainOptions.config();
        try (Tokenizer tokenizer = Tokenizer.mistral32k();
             LlamaModel model = LlamaModel.random(shape(shape, tokenizer.vocabSize()), config.seed(), config.precision().weights, ComputeDevice.CPU)) {
            List<SftExample> examples = PretrainCorpus.encode(docs, tokenizer, config.maxLength());
            config = trainOptions.config(null, examples.size()); // --warmup-ratio needs the example count
            root.err().printf("pretraining %,d parameters on %,d documents (%,d tokens)%n", model.parameterCount(), examples.size(),
                    examples.stream().mapToLong(SftExample::length).sum());
            TrainResult result;
            try (SftRun run = new SftRun(model, examples, config, out); ProgressBar bar = ProgressBar.forConsole("pretrain", 0, false)) {
                run.baseModelName("random init, seed " + config.seed()).listener(new TrainingProgress(bar));
                if (resume) run.resume();
                else run.setUp();
                result = run.train();
            }
            FileTrees.moveContents(result.output(), out);
            Tokenizer.writeMistral32k(out);
            root.out().printf("pretrained %d steps, final loss %.4f, %.0f tokens/s, %.1f s -> %s%n", result.steps(), result.finalLoss(),
                    result.tokensPerS(), result.wallS(), out);
        }
        return 0;
    }
}
