package org.crossgen.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Re-save a checkpoint in another dtype and/or shard size (Hugging Face layout, tokenizer files copied).")
final class ConvertCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;
    @Mixin ModelOptions modelOptions;

    @Option(names = "--to", required = true, paramLabel = "TYPE", description = "Stored dtype: float32, bfloat16 or float16 (fp32, bf16, fp16).") String to;
    @Option(names = "--max-shard-bytes", defaultValue = "5000000000", description = "Shard size (default ${DEFAULT-VALUE}).") long maxShardBytes;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;

    /**
     * convert loads on the CPU in float32 and stores in {@code --to}: the model options' {@code --dtype}
     * and {@code --device} would be accepted and ignored, so this command does not offer them.
     */
    static void withoutComputeOptions(CommandSpec spec) {
        for (String name : List.of("--dtype", "--device")) spec.remove(spec.findOption(name));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = modelOptions.modelDir();
        if (Files.exists(out) && Files.isSameFile(dir, out)) throw new IllegalArgumentException("--out must differ from the model folder");
        try (LlamaModel model = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU)) {
            model.save(out, DType.parse(to), maxShardBytes);
        }
        TrainCommand.copyTokenizer(dir, out);
        root.out().println("wrote " + out + " (" + DType.parse(to).torchName() + ")");
        return 0;
    }
}
