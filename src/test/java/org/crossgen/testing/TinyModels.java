package org.crossgen.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;

/** Small random models with the real 32k tokenizer, saved as HF folders: fast end-to-end tests. */
public final class TinyModels {
    private TinyModels() {}

    /** A 1-layer, hidden-32 Llama with the mistral-32k tokenizer, saved into {@code dir}. */
    public static Path withTokenizer(Path dir, long seed) throws IOException {
        try (LlamaModel m = LlamaModel.random(LlamaConfig.of(32000, 32, 1, 2, 1, 64, true), seed, DType.FLOAT32, ComputeDevice.CPU)) {
            m.save(dir);
        }
        Files.copy(TestResources.path("tokenizers/mistral-32k/tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.copy(TestResources.path("tokenizers/mistral-32k/tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        return dir;
    }
}
