package org.crossgen.hostile;

import static org.crossgen.hostile.Hostile.refused;
import static org.crossgen.hostile.Hostile.safetensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.CheckpointFiles;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.SafetensorsReader;
import org.crossgen.tensor.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files the reference library refuses, refused the same way, one clear line each; and
 * checkpoint folders whose index or files point where they must not.
 */
class HostileSafetensorsTest {
    @TempDir Path tmp;

    private String openError(String header, int dataBytes) throws IOException {
        Path f = safetensors(tmp.resolve("w.safetensors"), header, dataBytes);
        return refused(IOException.class, () -> SafetensorsReader.open(f)).getMessage();
    }

    private String where() {
        return " (file=" + tmp.resolve("w.safetensors") + ")";
    }

    @Test
    void overlappingOffsetsAreRefused() throws IOException {
        String e = openError("""
                {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12);
        assertEquals("tensor b has data_offsets [4, 12], but the tensor before it, a, ends at 8 "
                + "(data_offsets must be contiguous and must not overlap)" + where(), e);
    }

    @Test
    void gapsAndUncoveredBytesAreRefused() throws IOException {
        String gap = openError("""
                {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}}""", 20);
        assertEquals("tensor b has data_offsets [12, 20], but the tensor before it, a, ends at 8 "
                + "(data_offsets must be contiguous and must not overlap)" + where(), gap);
        String late = openError("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12);
        assertEquals("tensor a has data_offsets [4, 12], but the first tensor must start at 0 "
                + "(data_offsets must be contiguous and must not overlap)" + where(), late);
        String tail = openError("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 12);
        assertEquals("the tensors cover 8 bytes, but the data section has 12 (bytes no tensor accounts for)" + where(), tail);
    }

    @Test
    void duplicateHeaderKeysAreRefused() throws IOException {
        String e = openError("""
                {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}""", 16);
        assertEquals("the header names a tensor twice (at character 66 of the header): duplicate key 'a'" + where(), e);
    }

    @Test
    void fractionalOrNegativeOffsetsAndShapesAreRefused() throws IOException {
        assertEquals("tensor a: data_offsets must hold non-negative integers, got 8.0" + where(),
                openError("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8.0]}}", 8));
        assertEquals("tensor a: shape must hold non-negative integers, got -2" + where(),
                openError("{\"a\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", 8));
        assertEquals("tensor a: shape must hold non-negative integers, got \"2\"" + where(),
                openError("{\"a\": {\"dtype\": \"F32\", \"shape\": [\"2\"], \"data_offsets\": [0, 8]}}", 8));
    }

    @Test
    void byteSizeMustMatchDtypeAndShape() throws IOException {
        assertEquals("tensor a F32[3] needs 3 x 4 bytes, data_offsets give 8" + where(),
                openError("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8));
        assertEquals("tensor a: shape [4294967296,4294967296,4] has more elements than a long holds" + where(),
                openError("{\"a\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4], \"data_offsets\": [0, 8]}}", 8));
    }

    @Test
    void aTextFileIsRefusedWithoutQuotingItsBytes() throws IOException {
        Path passwd = tmp.resolve("w.safetensors");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
        String e = refused(IOException.class, () -> SafetensorsReader.open(passwd)).getMessage();
        assertEquals("not a safetensors file: its first 8 bytes are not the length of a header that fits in its 80 bytes"
                + where(), e);
        // a length that fits, over bytes that are not JSON: still nothing of the content in the message
        String notJson = openError("root:x:0:0:root:/root:/bin/bash", 0);
        assertEquals("not a safetensors file: its header is not a JSON object" + where(), notJson);
        String broken = openError("{\"root\": x:0:0}", 0);
        assertEquals("not a safetensors file: its header is not valid JSON (at character 9 of the header)" + where(), broken);
    }

    @Test
    void shardPathsMustStayInsideTheModelFolder() throws IOException {
        Path dir = Hostile.smallModel(tmp.resolve("m"));
        Files.delete(dir.resolve(CheckpointFiles.SINGLE));
        for (String shard : new String[] {"../../../../etc/passwd", "/etc/passwd", "sub/../../x.safetensors"}) {
            Files.writeString(dir.resolve(CheckpointFiles.INDEX),
                    "{\"weight_map\": {\"model.embed_tokens.weight\": \"" + shard + "\"}}");
            String e = refused(IOException.class, () -> LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU)).getMessage();
            assertEquals(dir.resolve(CheckpointFiles.INDEX) + ": weight_map[\"model.embed_tokens.weight\"] names \"" + shard
                    + "\", outside the model folder; shards must be files inside it", e);
        }
    }

    @Test
    void aTensorInTwoShardsIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("two"));
        try (NativeScope s = NativeScope.open()) {
            Map<String, Tensor> w = Map.of("x", Tensor.create(new float[] {1, 2}, 2));
            SafetensorsWriter.write(dir.resolve("a.safetensors"), w);
            SafetensorsWriter.write(dir.resolve("b.safetensors"), w);
        }
        Files.writeString(dir.resolve(CheckpointFiles.INDEX), "{\"weight_map\": {\"x\": \"a.safetensors\", \"y\": \"b.safetensors\"}}");
        String e = refused(IOException.class, () -> CheckpointFiles.read(dir, CheckpointFiles.SINGLE, CheckpointFiles.INDEX))
                .getMessage();
        assertEquals(dir.resolve("b.safetensors") + ": tensor x is also in an earlier shard", e);
    }

    @Test
    void aWrongShapedLmHeadBesideTiedEmbeddingsIsRefused() throws IOException {
        Path dir = Hostile.smallModel(tmp.resolve("m"));
        Map<String, Tensor> weights = CheckpointFiles.read(dir, CheckpointFiles.SINGLE, CheckpointFiles.INDEX);
        try (NativeScope s = NativeScope.open()) {
            weights.put("lm_head.weight", Tensor.create(new float[8 * 16], 8, 16));
            SafetensorsWriter.write(dir.resolve(CheckpointFiles.SINGLE), weights);
        } finally {
            weights.values().forEach(NativeScope::release);
        }
        String e = refused(IOException.class, () -> LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU)).getMessage();
        assertEquals(dir + ": lm_head.weight has shape [8, 16], but config.json ties it to model.embed_tokens.weight [64, 16]"
                + " (tie_word_embeddings)", e);
    }

    @Test
    void aWellFormedFileStillLoads() throws IOException {
        Path dir = Hostile.smallModel(tmp.resolve("m"));
        try (LlamaModel m = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU)) {
            assertFalse(m.namedWeights().isEmpty());
        }
    }
}
