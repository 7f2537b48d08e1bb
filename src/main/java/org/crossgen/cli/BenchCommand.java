package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crossgen.bench.EngineBench;
import org.crossgen.bench.PytorchReference;
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
            description = {"Forward+backward and greedy-decode tokens/s on the ~58M-parameter Llama shape, each as a fraction "
                    + "of a limit measured in the same run (matmul peak, memory-read bandwidth) and bf16 against PyTorch "
                    + "when a Python with torch is found."})
    static final class Engine implements Callable<Integer> {
        @ParentCommand BenchCommand bench;
        @Option(names = "--device", defaultValue = "cpu", converter = DeviceName.class) String device;
        @Option(names = {"--rounds", "--steps"}, defaultValue = "3",
                description = "Rounds; each measures every limit and workload once (medians reported; default ${DEFAULT-VALUE}).")
        int rounds;
        @Option(names = "--python", paramLabel = "CMD", split = ",",
                description = "Python(s) to try for the PyTorch reference, or 'none' (default: python3,/usr/bin/python3).")
        List<String> python;
        @Option(names = "--json", description = "Print one JSON object on stdout (progress goes to stderr).") boolean json;

        @Override
        public Integer call() throws Exception {
            List<String> pythons = python == null ? PytorchReference.DEFAULT_PYTHONS
                    : python.equals(List.of("none")) ? List.of() : python;
            PrintWriter log = json ? bench.root.err() : bench.root.out();
            Map<String, Object> report = new EngineBench(EngineBench.Workload.standard(), ComputeDevice.parse(device), rounds,
                    pythons, log).run();
            if (json) {
                bench.root.out().println(new ObjectMapper().writeValueAsString(report));
                bench.root.out().flush();
            }
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
