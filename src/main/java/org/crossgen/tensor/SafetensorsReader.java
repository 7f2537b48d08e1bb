package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.from_file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * ({@code name -> {dtype, shape, data_offsets}}, optional {@code __metadata__}), then raw
 * little-endian tensor bytes.
 *
 * <p>The whole file is memory-mapped once through libtorch ({@code from_file}, a private
 * copy-on-write mapping, no 2 GB limit) and each tensor is a view into it, so loading costs no
 * copy until a tensor is converted or written to. Pickle formats are never read.
 */
public final class SafetensorsReader implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private final Path file;
    private final long dataStart;
    private final Map<String, TensorInfo> infos;
    private final Map<String, String> metadata;
    private Tensor mapped; // uint8 (fileSize,), owned by this reader

    private SafetensorsReader(Path file, long dataStart, Map<String, TensorInfo> infos, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.infos = infos;
        this.metadata = metadata;
    }

    /** Parses and checks the header; the data is mapped on the first {@link #tensor} call. */
    public static SafetensorsReader open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new SafetensorsFormatException(file, "file is " + size + " bytes, shorter than the 8-byte header length");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new SafetensorsFormatException(file, "header length " + headerLen + " does not fit a file of " + size
                        + " bytes; this is not a safetensors file");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            while (header.hasRemaining() && ch.read(header, 8 + header.position()) > 0) { /* fill */ }
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new SafetensorsFormatException(file, "header is not valid JSON: " + e.getMessage());
            }
            Map<String, TensorInfo> infos = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            long dataLen = size - 8 - headerLen;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                TensorInfo info = parseInfo(file, e.getKey(), e.getValue());
                if (info.end() > dataLen) {
                    throw new SafetensorsFormatException(file, "tensor " + info.name() + " ends at byte " + info.end()
                            + " but the data section has " + dataLen + " bytes (truncated file?)");
                }
                infos.put(info.name(), info);
            }
            return new SafetensorsReader(file, 8 + headerLen, Collections.unmodifiableMap(infos),
                    Collections.unmodifiableMap(meta));
        }
    }

    private static TensorInfo parseInfo(Path file, String name, JsonNode n) throws SafetensorsFormatException {
        JsonNode dtype = n.get("dtype"), shape = n.get("shape"), offsets = n.get("data_offsets");
        if (dtype == null || shape == null || offsets == null || !shape.isArray() || offsets.size() != 2) {
            throw new SafetensorsFormatException(file, "tensor " + name + ": header entry needs dtype, shape and data_offsets[2], got " + n);
        }
        if (scalarType(dtype.asText()) == null) {
            throw new SafetensorsFormatException(file, "tensor " + name + ": unsupported dtype " + dtype.asText());
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).asLong();
        TensorInfo info = new TensorInfo(name, dtype.asText(), dims, offsets.get(0).asLong(), offsets.get(1).asLong());
        long want = info.numel() * elementSize(dtype.asText());
        if (info.byteLength() != want) {
            throw new SafetensorsFormatException(file, "tensor " + info + " needs " + want + " bytes, data_offsets give " + info.byteLength());
        }
        return info;
    }

    static ScalarType scalarType(String dtype) {
        return switch (dtype) {
            case "F64" -> ScalarType.Double;
            case "F32" -> ScalarType.Float;
            case "F16" -> ScalarType.Half;
            case "BF16" -> ScalarType.BFloat16;
            case "I64" -> ScalarType.Long;
            case "I32" -> ScalarType.Int;
            case "I16" -> ScalarType.Short;
            case "I8" -> ScalarType.Char;
            case "U8" -> ScalarType.Byte;
            case "BOOL" -> ScalarType.Bool;
            default -> null;
        };
    }

    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            default -> 1;
        };
    }

    public Path file() {
        return file;
    }

    /** Header entries in file order. */
    public Map<String, TensorInfo> infos() {
        return infos;
    }

    /** The {@code __metadata__} section (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * A CPU tensor viewing the mapped bytes of {@code name}. It is not attached to any scope and
     * keeps the mapping alive; the caller owns it (release with {@link NativeScope#release}).
     */
    public Tensor tensor(String name) {
        TensorInfo info = infos.get(name);
        if (info == null) throw new IllegalArgumentException("no tensor " + name + " in " + file);
        try (NativeScope scope = NativeScope.open()) {
            Tensor bytes = mapped().narrow(0, dataStart + info.begin(), info.byteLength());
            int size = elementSize(info.dtype());
            // view(dtype) needs the byte offset to be a multiple of the element size
            if ((dataStart + info.begin()) % size != 0) bytes = bytes.clone();
            Tensor t = size == 1 && info.dtype().equals("U8") ? bytes : bytes.view(scalarType(info.dtype()));
            return scope.keep(t.view(info.shape()));
        }
    }

    private Tensor mapped() {
        if (mapped == null) {
            Torch.init();
            try (NativeScope scope = NativeScope.open()) {
                long size = dataStart + infos.values().stream().mapToLong(TensorInfo::end).max().orElse(0);
                mapped = scope.keep(from_file(file.toString(), new BoolOptional(false), new LongOptional(size),
                        new TensorOptions(ScalarType.Byte)));
            }
        }
        return mapped;
    }

    @Override
    public void close() {
        NativeScope.release(mapped);
        mapped = null;
    }
}
