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
            description = "Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json); "
                    + "default: crossgen's built-in model.")
    Path model;

    @Option(names = "--dtype", defaultValue = "float32", paramLabel = "TYPE",
            description = "Compute dtype: float32 or bfloat16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    LlamaModel load() throws IOException {
        return LlamaModel.load(modelDir(), DType.parse(dtype), ComputeDevice.parse(device));
    }

    /** --model, or the built-in default model when none is given. */
    Path modelDir() {
        if (model != null) return model;
        if (!org.crossgen.model.DefaultModel.available()) throw new IllegalArgumentException("give --model DIR (a Hugging Face checkpoint folder)");
        return org.crossgen.model.DefaultModel.path();
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
