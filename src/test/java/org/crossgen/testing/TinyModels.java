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

    /** The shape: 1 layer, hidden 32, the 32k vocabulary, tied embeddings. */
    public static final LlamaConfig TINY = LlamaConfig.of(32000, 32, 1, 2, 1, 64, true);

    /** A tiny random Llama with the mistral-32k tokenizer, saved into {@code dir}. */
    public static Path withTokenizer(Path dir, long seed) throws IOException {
        return save(dir, seed, true);
    }

    /** A tiny random Llama in {@code dir}, with the mistral-32k tokenizer files when {@code tokenizer}. */
    public static Path save(Path dir, long seed, boolean tokenizer) throws IOException {
        try (LlamaModel m = LlamaModel.random(TINY, seed, DType.FLOAT32, ComputeDevice.CPU)) {
            m.save(dir);
        }
        if (tokenizer) {
            Files.copy(TestResources.path("tokenizers/mistral-32k/tokenizer.json"), dir.resolve("tokenizer.json"));
            Files.copy(TestResources.path("tokenizers/mistral-32k/tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        }
        return dir;
    }
}
