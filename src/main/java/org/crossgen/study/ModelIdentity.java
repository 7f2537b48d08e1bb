package org.crossgen.study;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.crossgen.files.AtomicFiles;
import org.crossgen.files.ContentHash;

/**
 * The identity of a base model folder: a SHA-256 over the name, size and content hash of every
 * file that decides its outputs (config, weights, tokenizer). It is the same for a copy of the
 * folder on another machine, which a path or modification time would not be.
 *
 * <p>Hashing a 7B checkpoint reads ~13 GB, so results are cached by the files' names, sizes and
 * modification times, in memory and (optionally) in a JSON file of the study folder; a changed file
 * is hashed again.
 */
public final class ModelIdentity {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path cacheFile;
    private final Map<String, String> cache; // stat signature -> content identity

    private ModelIdentity(Path cacheFile, Map<String, String> cache) {
        this.cacheFile = cacheFile;
        this.cache = cache;
    }

    /** Caches in memory only. */
    public static ModelIdentity inMemory() {
        return new ModelIdentity(null, new TreeMap<>());
    }

    /** Caches in memory and in {@code cacheFile} (read now if it exists, rewritten atomically on change). */
    public static ModelIdentity cachedIn(Path cacheFile) throws IOException {
        Map<String, String> cache = new TreeMap<>();
        if (Files.isRegularFile(cacheFile)) {
            try {
                cache.putAll(JSON.readValue(cacheFile.toFile(), new TypeReference<Map<String, String>>() {}));
            } catch (IOException e) {
                // a damaged cache only costs re-hashing
            }
        }
        return new ModelIdentity(cacheFile, cache);
    }

    /** The files of {@code dir} that decide a model's outputs, sorted by name. */
    static List<Path> identityFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.equals("config.json") || n.equals("tokenizer.json") || n.equals("tokenizer_config.json")
                        || n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json") || n.equals("adapter_config.json");
            }).sorted().toList();
        }
    }

    /** The content identity of the model in {@code dir}. */
    public synchronized String of(Path dir) throws IOException {
        List<Path> files = identityFiles(dir);
        if (files.isEmpty()) throw new IOException(dir + ": no model files (config.json, *.safetensors) to identify it by");
        List<String> stat = new ArrayList<>();
        stat.add(dir.toAbsolutePath().normalize().toString());
        for (Path f : files) {
            stat.add(f.getFileName().toString());
            stat.add(Long.toString(Files.size(f)));
            stat.add(Long.toString(Files.getLastModifiedTime(f).toMillis()));
        }
        String signature = ContentHash.sha256(stat.toArray(String[]::new));
        String known = cache.get(signature);
        if (known != null) return known;
        List<String> content = new ArrayList<>();
        content.add("crossgen-model-identity-v1");
        for (Path f : files) {
            content.add(f.getFileName().toString());
            content.add(ContentHash.sha256(f));
        }
        String identity = ContentHash.sha256(content.toArray(String[]::new));
        cache.put(signature, identity);
        if (cacheFile != null) AtomicFiles.writeString(cacheFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cache) + "\n");
        return identity;
    }
}
