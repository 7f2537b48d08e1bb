package org.crossgen.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraAdapter;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.Torch;
import org.crossgen.text.Tokenizer;

/** Small random models with the real 32k tokenizer, saved as HF folders: fast end-to-end tests. */
public final class TinyModels {
    private TinyModels() {}

    /** The shape: 1 layer, hidden 32, the 32k vocabulary, tied embeddings. */
    public static final LlamaConfig TINY = LlamaConfig.of(32000, 32, 1, 2, 1, 64, true);

    /** A tiny model and its tokenizer, loaded together for a test class; closing frees both. */
    public record Loaded(LlamaModel model, Tokenizer tokenizer) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
            tokenizer.close();
        }
    }

    /** {@link #withTokenizer} written to {@code dir}, then loaded in float32 on the CPU. */
    public static Loaded loadWithTokenizer(Path dir, long seed) throws IOException {
        Path written = withTokenizer(dir, seed);
        LlamaModel model = LlamaModel.load(written, DType.FLOAT32, ComputeDevice.CPU);
        return new Loaded(model, Tokenizer.load(written));
    }

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

    /** A PEFT LoRA adapter for the model in {@code base} on q/v/o, with B uniform in ±0.5 so it changes what the model computes. */
    public static Path adapter(Path base, Path dir, long seed) throws IOException {
        try (LlamaModel model = LlamaModel.load(base, DType.FLOAT32, ComputeDevice.CPU);
             LoraAdapter a = LoraAdapter.attach(model, new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj", "o_proj")), seed)) {
            Torch.seed(seed + 1);
            try (NoGradGuard ng = new NoGradGuard()) {
                a.tensors().forEach((name, t) -> { if (name.contains("lora_B")) t.uniform_(-0.5, 0.5, new GeneratorOptional()); });
            }
            a.save(dir, base.toString());
        }
        return dir;
    }
}
