package org.crossgen.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
    @TempDir Path tmp;

    @Test
    void writeReadRoundTripKeepsValuesAndTypes() throws IOException {
        Path f = tmp.resolve("t.safetensors");
        try (NativeScope s = NativeScope.open()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("a", Tensor.create(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, 2, 3));
            m.put("ids", Tensor.create(new long[] {1, 2, 3}, 3));
            m.put("b", Tensor.create(new float[] {0.1f}).to(DType.BFLOAT16.scalarType));
            SafetensorsWriter.write(f, m);
        }
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(headerLen % 8 == 0, "header padded to 8 bytes: " + headerLen);
        try (SafetensorsReader r = SafetensorsReader.open(f); NativeScope s = NativeScope.open()) {
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, Tensors.toFloats(r.tensor("a")));
            assertArrayEquals(new long[] {2, 3}, r.tensor("a").shape());
            assertArrayEquals(new long[] {1, 2, 3}, Tensors.toLongs(r.tensor("ids")));
            assertTrue(r.infos().get("b").dtype().equals("BF16"));
            assertArrayEquals(new float[] {0.10009765625f}, Tensors.toFloats(r.tensor("b"))); // 0.1 rounded to bf16
        }
    }

    @Test
    void truncatedFileIsRejectedWithTheTensorAndFile() throws IOException {
        Path f = tmp.resolve("t.safetensors");
        try (NativeScope s = NativeScope.open()) {
            SafetensorsWriter.write(f, Map.of("w", Tensor.create(new float[64], 8, 8)));
        }
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 10));
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(f));
        assertTrue(e.getMessage().contains("tensor w ends at byte 256") && e.getMessage().contains("truncated")
                && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void notSafetensorsAtAll() throws IOException {
        Path f = tmp.resolve("x.safetensors");
        Files.writeString(f, "PK\u0003\u0004 this is a zip pickle");
        IOException e = assertThrows(IOException.class, () -> SafetensorsReader.open(f));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
    }
}
