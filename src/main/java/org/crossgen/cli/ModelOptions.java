package org.crossgen.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import picocli.CommandLine.Option;

/** {@code --model}, {@code --dtype} and {@code --device}, shared by every command that runs a model. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--dtype", defaultValue = "float32", paramLabel = "TYPE",
            description = "Compute dtype: float32 or bfloat16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    LlamaModel load() throws IOException {
        if (model == null) throw new IllegalArgumentException("give --model DIR (a Hugging Face checkpoint folder)");
        return LlamaModel.load(model, DType.parse(dtype), ComputeDevice.parse(device));
    }

    /** Parses "1, 2,3" into token ids; the message names the option and the bad item. */
    static long[] parseIds(String option, String text) {
        String[] parts = text.split(",");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": item " + (i + 1) + " is not a token id: \"" + parts[i].trim() + "\"");
            }
        }
        return ids;
    }
}
