package org.crossgen.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache-only resolution against a fake tree in huggingface_hub's layout (no server: offline, or an endpoint nobody answers). */
class HubCacheTest {
    static final String C1 = "1111111111111111111111111111111111111111";
    static final String C2 = "2222222222222222222222222222222222222222";
    @TempDir Path tmp;

    private Path snapshot(Path cache, String repoFolder, String commit, String... files) throws IOException {
        Path dir = cache.resolve(repoFolder).resolve("snapshots").resolve(commit);
        Files.createDirectories(dir);
        for (String f : files) Files.writeString(dir.resolve(f), "{}");
        return dir;
    }

    private void ref(Path cache, String repoFolder, String name, String commit) throws IOException {
        Path ref = cache.resolve(repoFolder).resolve("refs").resolve(name);
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, commit);
    }

    private HubModels offline(Path cache) {
        return HubModels.of(Map.of("HF_HUB_CACHE", cache.toString(), "HF_HUB_OFFLINE", "1"));
    }

    @Test
    void branchesTagsAndCommitsResolveToTheirSnapshots() throws IOException {
        Path cache = tmp.resolve("hub");
        Path s1 = snapshot(cache, "models--meta-llama--Llama-2-7b-hf", C1, "config.json", "model.safetensors");
        Path s2 = snapshot(cache, "models--meta-llama--Llama-2-7b-hf", C2, "config.json", "model.safetensors");
        ref(cache, "models--meta-llama--Llama-2-7b-hf", "main", C1);
        ref(cache, "models--meta-llama--Llama-2-7b-hf", "v2", C2);
        assertEquals(s1, offline(cache).resolve("meta-llama/Llama-2-7b-hf"));
        assertEquals(s2, offline(cache).resolve("meta-llama/Llama-2-7b-hf@v2"));
        assertEquals(s2, offline(cache).resolve("meta-llama/Llama-2-7b-hf@" + C2));
    }

    @Test
    void aShardedSnapshotCountsOnlyWithEveryShard() throws IOException {
        Path cache = tmp.resolve("hub");
        Path s = snapshot(cache, "models--org--big", C1, "config.json");
        ref(cache, "models--org--big", "main", C1);
        Files.writeString(s.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        Files.writeString(s.resolve("model-00001-of-00002.safetensors"), "x");
        // what AutoConfig or an interrupted download leaves is not a model
        IOException e = assertThrows(IOException.class, () -> offline(cache).resolve("org/big"));
        assertTrue(e.getMessage().startsWith("model org/big (revision main) is not in the Hugging Face cache"), e.getMessage());
        Files.writeString(s.resolve("model-00002-of-00002.safetensors"), "x");
        assertEquals(s, offline(cache).resolve("org/big"));
    }

    @Test
    void theCacheRootFollowsHuggingfaceHubsVariables() {
        Path home = Path.of(System.getProperty("user.home"));
        assertEquals(Path.of("/a/hub-cache"), HubCache.of(Map.of("HF_HUB_CACHE", "/a/hub-cache", "HF_HOME", "/b")).root());
        assertEquals(Path.of("/b/hub"), HubCache.of(Map.of("HF_HOME", "/b", "XDG_CACHE_HOME", "/x")).root());
        assertEquals(Path.of("/x/huggingface/hub"), HubCache.of(Map.of("XDG_CACHE_HOME", "/x")).root());
        assertEquals(home.resolve(".cache/huggingface/hub"), HubCache.of(Map.of()).root());
    }

    @Test
    void hubIdsParseAndBadOnesAreNamed() {
        assertEquals(new HubId("org/name", "main"), HubId.parse("org/name"));
        assertEquals(new HubId("Qwen/Qwen2.5-0.5B", "refs/pr/1"), HubId.parse("Qwen/Qwen2.5-0.5B@refs/pr/1"));
        assertEquals("org/name@v2", HubId.parse("org/name@v2").toString());
        assertEquals("org/name", HubId.parse("org/name@main").toString());
        assertEquals("\"a/b/c\" is not a Hub model id (org/name)",
                assertThrows(IllegalArgumentException.class, () -> HubId.parse("a/b/c")).getMessage());
        assertEquals("\"../x\" is not a Hub revision (a branch, tag or commit hash)",
                assertThrows(IllegalArgumentException.class, () -> HubId.parse("org/name@../x")).getMessage());
        for (String folder : new String[] {"runs/x/final", "./model", "/abs/model", "../up", "model", "org/na--me"}) {
            assertFalse(HubId.looksLike(folder), folder);
        }
    }

    @Test
    void anExistingFolderIsNeverTakenForAHubId() throws IOException {
        Files.createDirectories(tmp.resolve("org/name"));
        assertFalse(HubModels.isHubId("org/name", tmp));
        assertTrue(HubModels.isHubId("org/other", tmp));
    }
}
