package org.crossgen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.model.DefaultModel;
import org.crossgen.model.hub.HubModels;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import picocli.CommandLine.Option;

/** {@code --model}, {@code --dtype} and {@code --device}, shared by every command that runs a model. */
final class ModelOptions {
    /** The name of the built-in model, in {@code --model} as in study specs. */
    static final String DEFAULT = "default";

    @Option(names = "--model", paramLabel = "DIR|ORG/NAME[@REV]",
            description = "Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json), or a Hub model id "
                    + "found in the Hugging Face cache or downloaded into it (docs/models.md); default: crossgen's built-in model.")
    String model;

    private Path resolved;

    @Option(names = "--dtype", defaultValue = "float32", paramLabel = "TYPE",
            description = "Compute dtype: float32 or bfloat16 (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--device", defaultValue = "cpu", converter = DeviceName.class, paramLabel = "DEV",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    LlamaModel load() throws IOException {
        return LlamaModel.load(modelDir(), dtype, ComputeDevice.parse(device));
    }

    /** The --model folder: a folder as given, a Hub id's cached snapshot (downloaded once), or the built-in model. */
    Path modelDir() throws IOException {
        if (resolved == null) resolved = resolve();
        return resolved;
    }

    private Path resolve() throws IOException {
        if (model != null && HubModels.isHubId(model, Path.of(""))) {
            try {
                return HubModels.fromEnvironment().resolve(model);
            } catch (IOException e) {   // it may have been meant as a folder
                throw new IOException("--model " + model + ": no such folder here, and as a Hub id: " + e.getMessage(), e);
            }
        }
        if (model != null && !(model.equals(DEFAULT) && !Files.isDirectory(Path.of(model)))) return Path.of(model);
        if (!DefaultModel.available()) throw new IllegalArgumentException("give --model DIR (a Hugging Face checkpoint folder) or ORG/NAME");
        return DefaultModel.path();
    }

    /**
     * The model as an output folder names it: the Hub id, the folder as given, or {@code default},
     * with the characters a path cannot hold replaced as lm-evaluation-harness does ({@code org__name}).
     */
    String label() {
        return model == null ? DEFAULT : sanitize(HubModels.isHubId(model, Path.of("")) ? HubModels.canonical(model) : model);
    }

    /** {@code / \ : * ? " < > | [ ]} runs become {@code __}; a name of dots only (a folder climbing up) becomes {@code model}. */
    static String sanitize(String name) {
        String s = name.replaceAll("[\"<>:/\\\\|?*\\[\\]]+", "__");
        return s.matches("\\.*") ? "model" : s;
    }

    /** What run cards, adapters and summaries record as the model: the Hub id when it came from the Hub, else the folder. */
    String modelName() throws IOException {
        return model != null && HubModels.isHubId(model, Path.of("")) ? HubModels.canonical(model) : modelDir().toString();
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
