package org.crossgen.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.InputFiles;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.SafetensorsReader;
import org.crossgen.tensor.SafetensorsWriter;

/**
 * The weight files of a Hugging Face checkpoint folder: {@code model.safetensors}, or shards listed
 * in {@code model.safetensors.index.json} ({@code weight_map: name -> file}). Pickle files
 * ({@code .bin}, {@code .pt}, {@code .pth}, {@code .ckpt}) are refused: unpickling runs arbitrary code.
 */
public final class CheckpointFiles {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFiles() {}

    /**
     * Reads every tensor named in the folder's safetensors file(s) as memory-mapped CPU views.
     * The caller owns the returned tensors (release each with {@link NativeScope#release}).
     */
    public static Map<String, Tensor> read(Path dir, String single, String index) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (Path file : files(dir, single, index)) {
                try (SafetensorsReader reader = SafetensorsReader.open(file)) {
                    for (String name : reader.infos().keySet()) {
                        if (out.containsKey(name)) throw new IOException(file + ": tensor " + name + " is also in an earlier shard");
                        out.put(name, reader.tensor(name));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            out.values().forEach(NativeScope::release);
            throw e;
        }
        return out;
    }

    /** The model's safetensors files, checked to exist; a pickle-only folder gets a clear refusal. */
    static List<Path> files(Path dir, String single, String index) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "model folder does not exist");
        Path one = dir.resolve(single);
        if (Files.exists(one)) return List.of(one);
        Path idx = dir.resolve(index);
        if (Files.exists(idx)) return shards(dir, idx);
        try (Stream<Path> s = Files.list(dir)) {
            List<String> pickles = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".ckpt")).sorted().toList();
            if (!pickles.isEmpty()) {
                throw new IOException(dir + " has only pickle weights " + pickles + "; crossgen never unpickles (it can run "
                        + "arbitrary code). Convert them to " + single + " (e.g. save_pretrained(..., safe_serialization=True)).");
            }
        }
        throw new NoSuchFileException(one.toString(), null, "no " + single + " or " + index + " in the model folder");
    }

    /**
     * The distinct shard files an index names, in order. A shard must be a relative path that stays
     * inside the model folder: an index is data, and must not make crossgen open {@code /etc/passwd}.
     * (Only the name is checked, not where links lead: Hugging Face's cache links shards to blobs.)
     */
    private static List<Path> shards(Path dir, Path idx) throws IOException {
        JsonNode map = InputFiles.readJson(idx, "weight index").get("weight_map");
        if (map == null || !map.isObject()) throw new IOException(idx + ": no \"weight_map\" object");
        Path root = dir.toAbsolutePath().normalize();
        List<Path> shards = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode f = e.getValue();
            if (!f.isTextual() || f.asText().isEmpty()) {
                throw new IOException(idx + ": weight_map[\"" + e.getKey() + "\"] must be a shard file name, got " + f);
            }
            if (!insideFolder(root, f.asText())) {
                throw new IOException(idx + ": weight_map[\"" + e.getKey() + "\"] names " + f + ", outside the model folder; "
                        + "shards must be files inside it");
            }
            Path shard = dir.resolve(f.asText()).normalize();
            if (!shards.contains(shard)) {
                if (!Files.exists(shard)) throw new NoSuchFileException(shard.toString(), null, "shard named in " + idx + " is missing");
                shards.add(shard);
            }
        }
        return shards;
    }

    private static boolean insideFolder(Path root, String name) {
        try {
            Path p = Path.of(name);
            Path resolved = root.resolve(p).normalize();
            return !p.isAbsolute() && resolved.startsWith(root) && !resolved.equals(root);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * Writes {@code tensors} as {@code single}, or, when larger than {@code maxShardBytes}, as
     * {@code prefix-00001-of-0000N.safetensors} shards plus {@code index}, as transformers names them.
     * Stale weight files of the other layout are removed so a folder never holds two versions.
     */
    public static void write(Path dir, Map<String, Tensor> tensors, long maxShardBytes, String single, String index)
            throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long size = 0, total = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long n = e.getValue().numel() * e.getValue().element_size();
            if (!current.isEmpty() && size + n > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(e.getKey(), e.getValue());
            size += n;
            total += n;
        }
        shards.add(current);
        if (shards.size() == 1) {
            SafetensorsWriter.write(dir.resolve(single), tensors);
            Files.deleteIfExists(dir.resolve(index));
            return;
        }
        String prefix = single.substring(0, single.length() - ".safetensors".length());
        ObjectNode idx = JSON.createObjectNode();
        idx.putObject("metadata").put("total_size", total);
        ObjectNode map = idx.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("%s-%05d-of-%05d.safetensors", prefix, i + 1, shards.size());
            SafetensorsWriter.write(dir.resolve(name), shards.get(i));
            for (String key : shards.get(i).keySet()) map.put(key, name);
        }
        AtomicFiles.writeString(dir.resolve(index), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(idx));
        Files.deleteIfExists(dir.resolve(single));
    }
}
