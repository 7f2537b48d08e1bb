package org.crossgen.cli;

import java.util.concurrent.Callable;
import org.crossgen.bench.EngineBench;
import org.crossgen.tensor.ComputeDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Throughput benchmarks; each prints ratios against a baseline measured in the same run.",
        subcommands = {BenchCommand.Engine.class, BenchCommand.Eval.class, BenchCommand.Train.class})
final class BenchCommand {
    @ParentCommand CrossgenCommand root;

    @Command(name = "engine", mixinStandardHelpOptions = true,
            description = "Forward+backward and greedy-decode tokens/s on the ~58M-parameter Llama shape.")
    static final class Engine implements Callable<Integer> {
        @ParentCommand BenchCommand bench;
        @Option(names = "--device", defaultValue = "cpu") String device;
        @Option(names = "--steps", defaultValue = "3", description = "Timed training steps (median; default ${DEFAULT-VALUE}).") int steps;

        @Override
        public Integer call() {
            new EngineBench(EngineBench.shape58m(), ComputeDevice.parse(device), steps, bench.root.out()).run();
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Evaluation records/s for label scoring and generation, batch 8 against batch 1.")
    static final class Eval implements Callable<Integer> {
        @ParentCommand BenchCommand bench;
        @picocli.CommandLine.Mixin ModelOptions modelOptions;
        @Option(names = "--records", defaultValue = "32", description = "Label-scoring records (generation uses a quarter).") int records;

        @Override
        public Integer call() throws Exception {
            try (var model = modelOptions.load(); var tokenizer = TextRequests.tokenizer(modelOptions)) {
                new org.crossgen.bench.EvalBench(new org.crossgen.infer.TorchLanguageModel(model, tokenizer), records, bench.root.out()).run();
            }
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Fine-tuning tokens/s, full and LoRA, on the ~58M-parameter shape and on a model folder (default: the built-in model).")
    static final class Train implements Callable<Integer> {
        @ParentCommand BenchCommand bench;
        @picocli.CommandLine.Mixin ModelOptions modelOptions;
        @Option(names = "--steps", defaultValue = "3", description = "Timed optimizer steps (default ${DEFAULT-VALUE}).") int steps;

        @Override
        public Integer call() throws Exception {
            java.nio.file.Path dir = modelOptions.model != null || org.crossgen.model.DefaultModel.available() ? modelOptions.modelDir() : null;
            new org.crossgen.bench.TrainBench(steps, bench.root.out()).run(dir);
            return 0;
        }
    }
}
