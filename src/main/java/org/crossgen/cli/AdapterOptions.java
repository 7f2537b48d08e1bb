package org.crossgen.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.crossgen.files.InputFiles;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraAdapter;
import picocli.CommandLine.Option;

/**
 * {@code --adapter DIR} (a PEFT LoRA folder) and {@code --merge-adapter}, for the commands that run
 * a model (eval, score, generate). Attached or merged, the model computes the same function;
 * merging costs one pass over the targeted weights and makes every later forward plain.
 */
final class AdapterOptions {
    @Option(names = "--adapter", paramLabel = "DIR",
            description = "PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors) applied to --model; "
                    + "without --model, its base_model_name_or_path is the model.")
    Path adapter;

    @Option(names = "--merge-adapter", description = "Fold the adapter into the weights before running instead of attaching it "
            + "(same results).")
    boolean merge;

    /** A loaded model and the adapter attached to it (null when merged or none); closing frees both. */
    record AdaptedModel(LlamaModel model, LoraAdapter adapter) implements AutoCloseable {
        @Override
        public void close() {
            if (adapter != null) adapter.close();
            model.close();
        }
    }

    /** Loads {@code --model} (or the adapter's base) with the adapter attached or merged. */
    AdaptedModel load(ModelOptions models) throws IOException {
        if (merge && adapter == null) throw new IllegalArgumentException("--merge-adapter needs --adapter DIR");
        if (adapter != null && models.model == null) models.model = base(adapter);
        LlamaModel model = models.load();
        if (adapter == null) return new AdaptedModel(model, null);
        try {
            LoraAdapter a = LoraAdapter.load(model, adapter);
            if (!merge) return new AdaptedModel(model, a);
            a.merge();
            a.close();
            return new AdaptedModel(model, null);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The model name with the adapter, as summaries record it: {@code base+adapter}. */
    String name(ModelOptions models) throws IOException {
        return adapter == null ? models.modelName() : models.modelName() + "+" + adapter;
    }

    /** A folder name for the model and adapter (see {@link ModelOptions#label}). */
    String label(ModelOptions models) {
        return adapter == null ? models.label() : models.label() + "+" + ModelOptions.sanitize(adapter.toString());
    }

    /** {@code base_model_name_or_path} of the adapter's config: the model it was trained on. */
    private static String base(Path dir) throws IOException {
        Path file = dir.resolve(LoraAdapter.CONFIG_FILE);
        String base = InputFiles.readJsonObject(file, "adapter config").path("base_model_name_or_path").asText("");
        if (base.isEmpty()) throw new IOException(file + ": no base_model_name_or_path; give --model");
        return base;
    }
}
