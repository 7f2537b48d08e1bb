package org.crossgen.hostile;

import static org.crossgen.hostile.Hostile.editConfig;
import static org.crossgen.hostile.Hostile.refused;
import static org.crossgen.hostile.Hostile.smallModel;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.CheckpointFiles;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.text.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model folders whose config, files or weights are hostile or broken: one line naming the file, at once. */
class HostileModelFolderTest {
    @TempDir Path tmp;

    private String loadError(Path dir) {
        return refused(IOException.class, () -> LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU)).getMessage();
    }

    @Test
    void aBillionLayersFailAtOnceInsteadOfFillingTheHeap() throws IOException {
        Path dir = smallModel(tmp.resolve("m"));
        editConfig(dir, c -> c.put("num_hidden_layers", 1_000_000_000));
        assertEquals(dir + ": config.json says num_hidden_layers 1000000000, but the checkpoint holds weights for 2 layer(s)",
                loadError(dir));
    }

    @Test
    void zeroHeadsAreNamedNotDividedBy() throws IOException {
        Path dir = smallModel(tmp.resolve("m"));
        editConfig(dir, c -> c.put("num_attention_heads", 0));
        assertEquals(dir.resolve("config.json") + ": field 'num_attention_heads' must be a positive integer, got 0", loadError(dir));
        editConfig(dir, c -> c.put("num_attention_heads", 2).put("num_key_value_heads", 0));
        assertEquals(dir.resolve("config.json") + ": field 'num_key_value_heads' must be a positive integer, got 0", loadError(dir));
        editConfig(dir, c -> c.put("num_key_value_heads", 1.5));
        assertEquals(dir.resolve("config.json") + ": field 'num_key_value_heads' must be an integer, got 1.5", loadError(dir));
    }

    @Test
    void anAbsurdContextLengthIsRefused() throws IOException {
        Path dir = smallModel(tmp.resolve("m"));
        editConfig(dir, c -> c.put("max_position_embeddings", 2_000_000_000));
        assertEquals(dir.resolve("config.json") + ": field 'max_position_embeddings' must be at most 16777216, got 2000000000",
                loadError(dir));
    }

    @Test
    void aNegativeNormEpsilonIsRefused() throws IOException {
        Path dir = smallModel(tmp.resolve("m"));
        editConfig(dir, c -> c.put("rms_norm_eps", -1e-5));
        assertEquals(dir.resolve("config.json") + ": field 'rms_norm_eps' must be a positive number, got -1.0E-5", loadError(dir));
    }

    @Test
    void nanWeightsAreRefusedOnLoad() throws IOException {
        Path dir = tmp.resolve("m");
        try (LlamaModel m = LlamaModel.random(Hostile.SMALL, 1, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            m.namedWeights().get("model.layers.1.mlp.up_proj.weight").fill_(new Scalar(Double.NaN));
            m.save(dir);
        }
        assertEquals(dir + ": weight model.layers.1.mlp.up_proj.weight holds NaN or infinite values", loadError(dir));
    }

    @Test
    void malformedJsonFilesAreNamedWithLineAndColumn() throws IOException {
        Path dir = smallModel(tmp.resolve("m"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\",\n \"vocab_size\": 64,,}");
        assertEquals(dir.resolve("config.json") + ": model config is not valid JSON at line 2, column 19: Unexpected character "
                + "(',' (code 44)): was expecting double-quote to start field name", loadError(dir));

        Path sharded = smallModel(tmp.resolve("s"));
        Files.delete(sharded.resolve(CheckpointFiles.SINGLE));
        Files.writeString(sharded.resolve(CheckpointFiles.INDEX), "{\"weight_map\": {\"a\": \"x.safetensors\"");
        assertEquals(sharded.resolve(CheckpointFiles.INDEX) + ": weight index is not valid JSON at line 1, column 37: "
                + "Unexpected end-of-input: expected close marker for Object (start marker at [line: 1, column: 16])", loadError(sharded));

        Files.writeString(dir.resolve("tokenizer.json"), "[1, 2");
        String e = refused(IOException.class, () -> Tokenizer.load(dir)).getMessage();
        assertEquals(dir.resolve("tokenizer.json") + ": tokenizer is not valid JSON at line 1, column 6: Unexpected end-of-input: "
                + "expected close marker for Array (start marker at [line: 1, column: 1])", e);
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\"}}");
        String notTokenizer = refused(IOException.class, () -> Tokenizer.load(dir)).getMessage();
        assertEquals(dir.resolve("tokenizer.json") + ": not a Hugging Face tokenizer: ", notTokenizer.substring(0,
                (dir.resolve("tokenizer.json") + ": not a Hugging Face tokenizer: ").length()));
        assertEquals(1, notTokenizer.lines().count(), notTokenizer);
    }

    @Test
    void aDirectoryOrAFifoWhereAFileBelongsIsNamed() throws Exception {
        Path dir = smallModel(tmp.resolve("m"));
        Files.delete(dir.resolve("config.json"));
        Files.createDirectory(dir.resolve("config.json"));
        assertEquals(dir.resolve("config.json") + ": model config is a directory, expected a file", loadError(dir));

        Path piped = smallModel(tmp.resolve("p"));
        Files.delete(piped.resolve(CheckpointFiles.SINGLE));
        Hostile.fifo(piped.resolve(CheckpointFiles.SINGLE));
        assertEquals(piped.resolve(CheckpointFiles.SINGLE) + ": safetensors file is not a regular file (a FIFO, socket or device); "
                + "crossgen reads only regular files", loadError(piped));

        Files.delete(piped.resolve(CheckpointFiles.SINGLE));
        Hostile.fifo(piped.resolve("tokenizer.json"));
        String e = refused(IOException.class, () -> Tokenizer.load(piped)).getMessage();
        assertEquals(piped.resolve("tokenizer.json") + ": tokenizer is not a regular file (a FIFO, socket or device); "
                + "crossgen reads only regular files", e);
    }

    @Test
    void anOutOfVocabularyTokenIdIsNamedWithTheVocabularySize() throws IOException {
        Path dir = smallModel(tmp.resolve("m"));
        try (LlamaModel m = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensor.create(new long[] {1, 5, 99}, 1, 3);
            IllegalArgumentException e = refused(IllegalArgumentException.class,
                    () -> m.forward(ids, Tensors.positions(1, 3), null, null));
            assertEquals("token id 99 is outside the model's vocabulary of 64 ids (vocab_size in config.json)", e.getMessage());
            Tensor negative = Tensor.create(new long[] {-3}, 1, 1);
            assertEquals("token id -3 is outside the model's vocabulary of 64 ids (vocab_size in config.json)",
                    refused(IllegalArgumentException.class, () -> m.forward(negative, Tensors.positions(1, 1), null, null)).getMessage());
        }
    }
}
