package org.crossgen.tensor;

import org.crossgen.files.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Writes tensors as one {@code .safetensors} file, atomically. The header is padded with spaces
 * to a multiple of 8 bytes (as the reference writer does) so every tensor starts aligned, and
 * carries {@code __metadata__ {"format": "pt"}} which transformers expects.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CHUNK = 1L << 30; // ByteBuffer views are limited to 2 GB

    private SafetensorsWriter() {}

    /** Writes {@code tensors} (any device, any layout) in map order. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        try (NativeScope scope = NativeScope.open()) {
            ObjectNode header = JSON.createObjectNode();
            header.putObject("__metadata__").put("format", "pt");
            List<Tensor> data = new ArrayList<>();
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue().detach().cpu().contiguous();
                String dtype = safetensorsName(t.scalar_type().intern(), e.getKey()); // intern: JNI-made enums have ordinal 0
                ObjectNode entry = header.putObject(e.getKey());
                entry.put("dtype", dtype);
                var shape = entry.putArray("shape");
                for (long d : t.shape()) shape.add(d);
                long n = t.nbytes();
                entry.putArray("data_offsets").add(offset).add(offset + n);
                offset += n;
                data.add(t);
            }
            byte[] json = JSON.writeValueAsBytes(header);
            int padded = (json.length + 7) / 8 * 8;
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            head.flip();
            AtomicFiles.write(file, tmp -> {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    writeFully(ch, head);
                    for (Tensor t : data) writeBytes(ch, t);
                }
            });
        }
    }

    private static void writeBytes(FileChannel ch, Tensor t) throws IOException {
        long n = t.nbytes();
        BytePointer p = new BytePointer(t.data_ptr());
        for (long off = 0; off < n; off += CHUNK) {
            long len = Math.min(CHUNK, n - off);
            BytePointer slice = new BytePointer(p).position(off).capacity(off + len);
            writeFully(ch, slice.asByteBuffer());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    static String safetensorsName(ScalarType t, String name) {
        return switch (t) {
            case Double -> "F64";
            case Float -> "F32";
            case Half -> "F16";
            case BFloat16 -> "BF16";
            case Long -> "I64";
            case Int -> "I32";
            case Short -> "I16";
            case Char -> "I8";
            case Byte -> "U8";
            case Bool -> "BOOL";
            default -> throw new IllegalArgumentException("tensor " + name + ": cannot store dtype " + t + " in safetensors");
        };
    }
}
