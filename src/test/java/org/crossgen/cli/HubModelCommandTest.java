package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.crossgen.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model org/name} from a Hugging Face cache, in a child JVM (the cache and
 * {@code HF_HUB_OFFLINE} come from the environment): the model trains, and what is saved names
 * the Hub id, not the machine's cache path.
 */
class HubModelCommandTest {
    static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
    @TempDir Path tmp;

    private Process crossgen(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrossgenCommand.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HF_HUB_CACHE", tmp.resolve("hub").toString());
        pb.environment().put("HF_HUB_OFFLINE", "1");   // never the network, whatever the test machine allows
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "crossgen " + String.join(" ", args) + " did not end");
        return p;
    }

    @Test
    void aHubIdInTheCacheTrainsAndIsRecordedAsTheBase() throws Exception {
        Path snapshot = tmp.resolve("hub/models--org--tiny/snapshots/" + COMMIT);
        TinyModels.withTokenizer(snapshot, 5);
        Files.createDirectories(tmp.resolve("hub/models--org--tiny/refs"));
        Files.writeString(tmp.resolve("hub/models--org--tiny/refs/main"), COMMIT);
        Path out = tmp.resolve("lora"), log = tmp.resolve("train.log");
        Process p = crossgen(log, "train", "--model", "org/tiny", "--dataset", "sentiment/amazon", "--limit", "4", "--epochs", "1",
                "--batch-size", "4", "--lora", "r=4,alpha=8", "--max-length", "128", "--out", out.toString());
        assertEquals(0, p.exitValue(), Files.readString(log));
        ObjectMapper json = new ObjectMapper();
        assertEquals("org/tiny", json.readTree(out.resolve("adapter_config.json").toFile()).get("base_model_name_or_path").asText());
        assertEquals("org/tiny", json.readTree(out.resolve("run_card.json").toFile()).get("base_model").asText());

        Process missing = crossgen(log, "generate", "--model", "org/other@v2", "--prompt", "hi");
        assertEquals(1, missing.exitValue());
        assertEquals("error: --model org/other@v2: no such folder here, and as a Hub id: model org/other (revision v2) is not in the Hugging Face cache " + tmp.resolve("hub") + " (or only in part) "
                + "and HF_HUB_OFFLINE is set; unset it to download the model, or give a model folder", Files.readString(log).strip());
    }
}
