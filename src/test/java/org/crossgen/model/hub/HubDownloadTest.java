package org.crossgen.model.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a loopback server with the Hub's URL layout into a cache in huggingface_hub's layout. */
class HubDownloadTest {
    @TempDir Path tmp;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A sharded repository with files crossgen must not fetch: pickles, Mistral's consolidated weights, a README. */
    static Map<String, byte[]> shardedRepo() {
        Map<String, byte[]> f = new TreeMap<>();
        f.put("config.json", bytes("{\"model_type\": \"llama\"}"));
        f.put("model.safetensors.index.json", bytes("{\"metadata\": {}, \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", "
                + "\"b\": \"model-00002-of-00002.safetensors\", \"c\": \"model-00001-of-00002.safetensors\"}}"));
        byte[] shard1 = new byte[300_000];
        for (int i = 0; i < shard1.length; i++) shard1[i] = (byte) (i * 31);
        f.put("model-00001-of-00002.safetensors", shard1);
        f.put("model-00002-of-00002.safetensors", bytes("second shard"));
        f.put("tokenizer.json", bytes("{\"model\": {}}"));
        f.put("generation_config.json", bytes("{\"do_sample\": false}"));
        f.put("consolidated.safetensors", bytes("not read by crossgen"));
        f.put("pytorch_model.bin", bytes("pickle"));
        f.put("README.md", bytes("# card"));
        return f;
    }

    private Map<String, String> env(FakeHub hub, String... more) {
        Map<String, String> env = new TreeMap<>(Map.of("HF_HUB_CACHE", tmp.resolve("cache").toString(), "HF_ENDPOINT", hub.endpoint().toString(),
                "HF_HOME", tmp.resolve("hf-home").toString()));
        for (int i = 0; i < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    private Path repoDir() {
        return tmp.resolve("cache/models--org--tiny");
    }

    @Test
    void downloadsOnlyWhatCrossgenReadsIntoTheCacheLayoutThenNeedsNoNetwork() throws IOException {
        Map<String, byte[]> files = shardedRepo();
        Path dir;
        try (FakeHub hub = new FakeHub("org/tiny", files)) {
            dir = HubModels.of(env(hub)).resolve("org/tiny");
            assertEquals(repoDir().resolve("snapshots/" + FakeHub.COMMIT), dir);
            assertEquals(FakeHub.COMMIT, Files.readString(repoDir().resolve("refs/main")));
            List<String> fetched = hub.requests.stream().filter(r -> r.contains("/resolve/")).map(r -> r.substring(r.lastIndexOf('/') + 1)).sorted().toList();
            assertEquals(List.of("config.json", "generation_config.json", "model-00001-of-00002.safetensors",
                    "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.json"), fetched);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(6, s.count());
        }
        for (String name : List.of("config.json", "model-00001-of-00002.safetensors", "tokenizer.json")) {
            Path p = dir.resolve(name);
            assertArrayEquals(files.get(name), Files.readAllBytes(p), name);
            assertTrue(Files.isSymbolicLink(p), name + " links to its blob, as huggingface_hub lays it out");
            assertEquals(repoDir().resolve("blobs").resolve(FakeHub.etag(name, files.get(name))), p.getParent().resolve(Files.readSymbolicLink(p)).normalize());
        }
        // the server is gone: the cache alone answers, for the branch, the commit and (offline) alike
        Map<String, String> noServer = Map.of("HF_HUB_CACHE", tmp.resolve("cache").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
        assertEquals(dir, HubModels.of(noServer).resolve("org/tiny"));
        assertEquals(dir, HubModels.of(noServer).resolve("org/tiny@" + FakeHub.COMMIT));
    }

    @Test
    void aDownloadedRealCheckpointComputesWhatItsFolderComputes() throws IOException {
        Path local = TestResources.stories260k();
        try (FakeHub hub = new FakeHub("karpathy/stories260k", FakeHub.filesOf(local))) {
            Path dir = HubModels.of(env(hub)).resolve("karpathy/stories260k");
            try (LlamaModel a = LlamaModel.load(local, DType.FLOAT32, ComputeDevice.CPU);
                 LlamaModel b = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU)) {
                assertArrayEquals(logits(a), logits(b), 0f, "the snapshot's links lead to the same weights");
            }
        }
    }

    private static float[] logits(LlamaModel m) {
        try (NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            return Tensors.toFloats(m.forward(Tensor.create(new long[] {1, 300, 301, 302}, 1, 4), Tensors.positions(1, 4), null, null));
        }
    }

    @Test
    void continuesAPartialDownloadWithARangeRequest() throws IOException {
        Map<String, byte[]> files = shardedRepo();
        byte[] shard = files.get("model-00001-of-00002.safetensors");
        Path partial = repoDir().resolve("blobs/" + FakeHub.sha256(shard) + ".incomplete");
        Files.createDirectories(partial.getParent());
        Files.write(partial, Arrays.copyOf(shard, 100_000));
        try (FakeHub hub = new FakeHub("org/tiny", files)) {
            Path dir = HubModels.of(env(hub)).resolve("org/tiny");
            assertArrayEquals(shard, Files.readAllBytes(dir.resolve("model-00001-of-00002.safetensors")));
            assertTrue(hub.requests.contains("cdn GET /cdn/model-00001-of-00002.safetensors range=bytes=100000-"), hub.requests.toString());
        }
        assertFalse(Files.exists(partial));
    }

    @Test
    void aDownloadWithTheWrongHashIsDeletedAndNamed() throws IOException {
        Map<String, byte[]> files = shardedRepo();
        byte[] shard = files.get("model-00002-of-00002.safetensors");
        try (FakeHub hub = new FakeHub("org/tiny", files)) {
            hub.corrupted.put("model-00002-of-00002.safetensors", bytes("SECOND SHARD"));   // same length, other bytes
            IOException e = assertThrows(IOException.class, () -> HubModels.of(env(hub)).resolve("org/tiny"));
            assertEquals("org/tiny@main model-00002-of-00002.safetensors: sha256 of the download is " + FakeHub.sha256(bytes("SECOND SHARD"))
                    + ", the Hub says " + FakeHub.sha256(shard) + "; deleted it, run again", e.getMessage());
        }
        try (Stream<Path> s = Files.list(repoDir().resolve("blobs"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(FakeHub.sha256(shard))), "no blob or partial file is left");
        }
        assertFalse(Files.exists(repoDir().resolve("snapshots/" + FakeHub.COMMIT + "/model-00002-of-00002.safetensors")));
        assertFalse(Files.exists(repoDir().resolve("refs/main")), "an incomplete download records no ref");
    }

    @Test
    void aTagResolvesToItsCommitAndIsRecordedAsARef() throws IOException {
        try (FakeHub hub = new FakeHub("org/tiny", shardedRepo())) {
            Path dir = HubModels.of(env(hub)).resolve("org/tiny@" + FakeHub.TAG);
            assertEquals(repoDir().resolve("snapshots/" + FakeHub.COMMIT), dir);
            assertEquals(FakeHub.COMMIT, Files.readString(repoDir().resolve("refs/" + FakeHub.TAG)));
            assertTrue(hub.requests.get(0).startsWith("hub GET /api/models/org/tiny/revision/v1.0"), hub.requests.get(0));
        }
    }

    @Test
    void aGatedModelNeedsTheTokenWhichNeverGoesToTheCdn() throws IOException {
        try (FakeHub hub = new FakeHub("org/tiny", shardedRepo())) {
            hub.requiredToken = "hf_secret";
            IOException e = assertThrows(IOException.class, () -> HubModels.of(env(hub)).resolve("org/tiny"));
            assertTrue(e.getMessage().startsWith("org/tiny is private or gated: accept its licence on the Hub and set HF_TOKEN to a token "
                    + "with access (no token is set) (GET " + hub.endpoint() + "/api/models/org/tiny/revision/main?blobs=true -> 401)"), e.getMessage());
            hub.requests.clear();
            HubModels.of(env(hub, "HF_TOKEN", "hf_secret")).resolve("org/tiny");
            assertTrue(hub.requests.stream().filter(r -> r.startsWith("hub")).allMatch(r -> r.endsWith("auth=Bearer hf_secret")), hub.requests.toString());
            assertTrue(hub.requests.stream().filter(r -> r.startsWith("cdn")).noneMatch(r -> r.contains("auth=")), hub.requests.toString());
        }
    }

    @Test
    void theTokenSavedByHuggingfaceCliLoginIsUsed() throws IOException {
        try (FakeHub hub = new FakeHub("org/tiny", shardedRepo())) {
            hub.requiredToken = "hf_saved";
            Files.createDirectories(tmp.resolve("hf-home"));
            Files.writeString(tmp.resolve("hf-home/token"), "hf_saved\n");
            assertTrue(Files.isDirectory(HubModels.of(env(hub)).resolve("org/tiny")));
        }
    }

    @Test
    void anUnknownModelOrRevisionIsNamed() throws IOException {
        try (FakeHub hub = new FakeHub("org/tiny", shardedRepo())) {
            IOException e = assertThrows(IOException.class, () -> HubModels.of(env(hub)).resolve("org/tiny@no-such-branch"));
            assertEquals("no model org/tiny with revision \"no-such-branch\" on " + hub.endpoint() + " (GET " + hub.endpoint()
                    + "/api/models/org/tiny/revision/no-such-branch?blobs=true -> 404)", e.getMessage());
        }
    }

    @Test
    void offlineAMissingModelFailsWithoutTouchingTheNetwork() throws IOException {
        try (FakeHub hub = new FakeHub("org/tiny", shardedRepo())) {
            IOException e = assertThrows(IOException.class, () -> HubModels.of(env(hub, "HF_HUB_OFFLINE", "1")).resolve("org/tiny"));
            assertEquals("model org/tiny (revision main) is not in the Hugging Face cache " + tmp.resolve("cache")
                    + " (or only in part) and HF_HUB_OFFLINE is set; unset it to download the model, or give a model folder", e.getMessage());
            assertEquals(List.of(), hub.requests);
        }
    }

    @Test
    void aRepositoryWithOnlyPickleWeightsIsRefused() throws IOException {
        Map<String, byte[]> files = new TreeMap<>(Map.of("config.json", bytes("{}"), "pytorch_model.bin", bytes("pickle")));
        try (FakeHub hub = new FakeHub("org/tiny", files)) {
            IOException e = assertThrows(IOException.class, () -> HubModels.of(env(hub)).resolve("org/tiny"));
            assertEquals("the repository has no model.safetensors or model.safetensors.index.json (crossgen reads safetensors only, "
                    + "never .bin/.pt pickles)", e.getMessage());
            assertTrue(hub.requests.stream().noneMatch(r -> r.contains(".bin")));
        }
    }
}
