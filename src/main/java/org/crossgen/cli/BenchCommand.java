package org.crossgen.cli;

import java.util.concurrent.Callable;
import org.crossgen.bench.EngineBench;
import org.crossgen.tensor.ComputeDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Throughput benchmarks; each prints ratios against a baseline measured in the same run.",
        subcommands = {BenchCommand.Engine.class})
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
}
