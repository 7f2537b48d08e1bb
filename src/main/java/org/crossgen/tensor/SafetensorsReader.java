package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.from_file;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.files.InputFiles;

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
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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

    /**
     * Parses and checks the header as strictly as the reference {@code safetensors} library: a
     * UTF-8 JSON object, no key twice, integer shapes and offsets, each tensor's byte size equal to
     * its dtype and shape, and the tensors' {@code data_offsets} contiguous, without overlap,
     * covering the data section exactly. The data is mapped on the first {@link #tensor} call.
     *
     * <p>Until the header has proven to be JSON, no message quotes the file's bytes: the file may
     * be anything (an index can name {@code /etc/passwd}).
     */
    public static SafetensorsReader open(Path file) throws IOException {
        InputFiles.requireRegularFile(file, "safetensors file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new SafetensorsFormatException(file, "file is " + size + " bytes, shorter than the 8-byte header length");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new SafetensorsFormatException(file, "not a safetensors file: its first 8 bytes are not the length of a header "
                        + "that fits in its " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            while (header.hasRemaining() && ch.read(header, 8 + header.position()) > 0) { /* fill */ }
            JsonNode root = parseHeader(file, header.flip());
            Map<String, TensorInfo> infos = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            long dataLen = size - 8 - headerLen;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    metadata(file, e.getValue(), meta);
                    continue;
                }
                TensorInfo info = parseInfo(file, e.getKey(), e.getValue());
                if (info.end() > dataLen) {
                    throw new SafetensorsFormatException(file, "tensor " + info.name() + " ends at byte " + info.end()
                            + " but the data section has " + dataLen + " bytes (truncated file?)");
                }
                infos.put(info.name(), info);
            }
            checkLayout(file, infos.values(), dataLen);
            return new SafetensorsReader(file, 8 + headerLen, Collections.unmodifiableMap(infos),
                    Collections.unmodifiableMap(meta));
        }
    }

    private static JsonNode parseHeader(Path file, ByteBuffer bytes) throws SafetensorsFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(file, "not a safetensors file: its header is not UTF-8 text");
        }
        if (!text.startsWith("{")) throw new SafetensorsFormatException(file, "not a safetensors file: its header is not a JSON object");
        try {
            return JSON.readTree(text);
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getCharOffset() < 0 ? "" : " (at character " + at.getCharOffset() + " of the header)";
            if (e.getOriginalMessage().startsWith("Duplicate field")) {
                throw new SafetensorsFormatException(file, "the header names a tensor twice" + where + ": " + InputFiles.message(e));
            }
            throw new SafetensorsFormatException(file, "not a safetensors file: its header is not valid JSON" + where);
        } catch (IOException e) {
            throw new SafetensorsFormatException(file, "not a safetensors file: its header is not valid JSON");
        }
    }

    private static void metadata(Path file, JsonNode node, Map<String, String> meta) throws SafetensorsFormatException {
        if (!node.isObject()) throw new SafetensorsFormatException(file, "__metadata__ must be an object of strings, got " + node);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new SafetensorsFormatException(file, "__metadata__." + m.getKey() + " must be a string, got " + m.getValue());
            }
            meta.put(m.getKey(), m.getValue().asText());
        }
    }

    private static TensorInfo parseInfo(Path file, String name, JsonNode n) throws SafetensorsFormatException {
        JsonNode dtype = n.get("dtype"), shape = n.get("shape"), offsets = n.get("data_offsets");
        if (dtype == null || shape == null || offsets == null || !dtype.isTextual() || !shape.isArray() || !offsets.isArray()
                || offsets.size() != 2) {
            throw new SafetensorsFormatException(file, "tensor " + name + ": header entry needs dtype, shape and data_offsets[2], got " + n);
        }
        if (scalarType(dtype.asText()) == null) {
            throw new SafetensorsFormatException(file, "tensor " + name + ": unsupported dtype " + dtype.asText());
        }
        long[] dims = new long[shape.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = count(file, name, "shape", shape.get(i));
            try {
                numel = Math.multiplyExact(numel, dims[i]);
            } catch (ArithmeticException e) {
                throw new SafetensorsFormatException(file, "tensor " + name + ": shape " + shape + " has more elements than a long holds");
            }
        }
        long begin = count(file, name, "data_offsets", offsets.get(0)), end = count(file, name, "data_offsets", offsets.get(1));
        if (end < begin) throw new SafetensorsFormatException(file, "tensor " + name + ": data_offsets " + offsets + " end before they begin");
        TensorInfo info = new TensorInfo(name, dtype.asText(), dims, begin, end);
        if (numel > Long.MAX_VALUE / elementSize(info.dtype()) || info.byteLength() != numel * elementSize(info.dtype())) {
            throw new SafetensorsFormatException(file, "tensor " + info + " needs " + numel + " x " + elementSize(info.dtype())
                    + " bytes, data_offsets give " + info.byteLength());
        }
        return info;
    }

    /** A shape entry or offset: a non-negative integer, as the reference library's usize. */
    private static long count(Path file, String name, String field, JsonNode v) throws SafetensorsFormatException {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new SafetensorsFormatException(file, "tensor " + name + ": " + field + " must hold non-negative integers, got " + v);
        }
        return v.asLong();
    }

    /**
     * The tensors, ordered by offset, must tile the data section: the first starts at 0, each
     * starts where the one before ends, the last ends at its end. Overlapping tensors would alias
     * each other's bytes; a gap or a tail would hide bytes no tensor accounts for.
     */
    private static void checkLayout(Path file, Collection<TensorInfo> infos, long dataLen) throws SafetensorsFormatException {
        List<TensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long at = 0;
        String previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() != at) {
                throw new SafetensorsFormatException(file, "tensor " + t.name() + " has data_offsets [" + t.begin() + ", " + t.end()
                        + "], but " + (previous == null ? "the first tensor must start at 0" : "the tensor before it, " + previous
                        + ", ends at " + at) + " (data_offsets must be contiguous and must not overlap)");
            }
            at = t.end();
            previous = t.name();
        }
        if (at != dataLen) {
            throw new SafetensorsFormatException(file, "the tensors cover " + at + " bytes, but the data section has " + dataLen
                    + " (bytes no tensor accounts for)");
        }
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
