package org.crossgen.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.crossgen.files.InputFiles;
import org.crossgen.model.CheckpointFiles;

/**
 * The files of a Hub model repository that crossgen reads, and so downloads: the config, the
 * weights (model.safetensors, or the index and the shards it names: never {@code .bin}/{@code .pt}
 * pickles, nor other safetensors such as Mistral's {@code consolidated.safetensors}), and the
 * tokenizer and generation files that fine-tuned outputs carry over.
 */
final class HubFiles {
    /** Small files, fetched first; each where the repository has it. */
    static final List<String> METADATA = List.of("config.json", CheckpointFiles.INDEX, "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja", "tokenizer.model");

    private HubFiles() {}

    /** Of the repository's files, the metadata crossgen reads, in {@link #METADATA} order. */
    static List<String> metadata(Set<String> repoFiles) {
        return METADATA.stream().filter(repoFiles::contains).toList();
    }

    /** The weight files to fetch, once the metadata is in {@code dir}: the index's shards, else model.safetensors. */
    static List<String> weights(Path dir, Set<String> repoFiles) throws IOException {
        Path index = dir.resolve(CheckpointFiles.INDEX);
        if (!Files.exists(index)) {
            if (!repoFiles.contains(CheckpointFiles.SINGLE)) {
                throw new IOException("the repository has no " + CheckpointFiles.SINGLE + " or " + CheckpointFiles.INDEX
                        + " (crossgen reads safetensors only, never .bin/.pt pickles)");
            }
            return List.of(CheckpointFiles.SINGLE);
        }
        return shards(index);
    }

    /** True when {@code dir} holds config.json and every weight file (a snapshot with only a config is not a model). */
    static boolean complete(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("config.json"))) return false;
        if (Files.isRegularFile(dir.resolve(CheckpointFiles.SINGLE))) return true;
        Path index = dir.resolve(CheckpointFiles.INDEX);
        if (!Files.isRegularFile(index)) return false;
        for (String shard : shards(index)) {
            if (!Files.isRegularFile(dir.resolve(shard))) return false;
        }
        return true;
    }

    /** The distinct shard names of an index; names with a folder part are refused (the index is data from the network). */
    private static List<String> shards(Path index) throws IOException {
        JsonNode map = InputFiles.readJson(index, "weight index").get("weight_map");
        if (map == null || !map.isObject()) throw new IOException(index + ": no \"weight_map\" object");
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode f : map) {
            String name = f.asText();
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*\\.safetensors")) {
                throw new IOException(index + ": weight_map names \"" + name + "\"; shards must be .safetensors files beside the index");
            }
            out.add(name);
        }
        return new ArrayList<>(out);
    }
}
