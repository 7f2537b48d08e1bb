package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.crossgen.testing.StoriesGolden;
import org.crossgen.testing.TestResources;
import org.crossgen.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    @Test
    void generateIdsReproducesTheGreedyGolden() throws Exception {
        StoriesGolden ref = StoriesGolden.read();
        CliRun r = CliRun.of("generate", "--model", TestResources.stories260k().toString(), "--ids", "1",
                "--max-new-tokens", "80", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode out = JSON.readTree(r.out());
        assertArrayEquals(ref.greedyIds(), JSON.treeToValue(out.get("output_ids"), long[].class));
    }

    @Test
    void scoreIdsLogitsMatchTheReference() throws Exception {
        StoriesGolden ref = StoriesGolden.read();
        StringBuilder ids = new StringBuilder();
        for (long id : ref.inputIds()) ids.append(ids.length() == 0 ? "" : ",").append(id);
        CliRun r = CliRun.of("score", "--model", TestResources.stories260k().toString(), "--ids", ids.toString(), "--logits", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode out = JSON.readTree(r.out());
        assertArrayEquals(ref.inputIds(), JSON.treeToValue(out.get("input_ids"), long[].class));
        double worst = 0;
        for (int t = 0; t < ref.logits().length; t++) {
            for (int v = 0; v < ref.logits()[t].length; v++) {
                worst = Math.max(worst, Math.abs(out.get("logits").get(t).get(v).asDouble() - ref.logits()[t][v]));
            }
        }
        assertTrue(worst <= 1e-4, "CLI logits vs llama2.c, tolerance 1e-4: worst " + worst);
    }

    @Test
    void badIdsAndMissingTokenizerGiveOneClearLine() {
        CliRun bad = CliRun.of("generate", "--model", TestResources.stories260k().toString(), "--ids", "1,x");
        assertEquals(1, bad.exitCode());
        assertEquals("error: --ids: item 2 is not a token id: \"x\"", bad.err().strip());
        CliRun text = CliRun.of("generate", "--model", TestResources.stories260k().toString(), "--prompt", "Once");
        assertEquals(1, text.exitCode());
        assertTrue(text.err().contains("has no tokenizer.json"), text.err());
        CliRun cuda = CliRun.of("generate", "--model", TestResources.stories260k().toString(), "--ids", "1", "--device", "cuda");
        assertEquals(1, cuda.exitCode());
        assertTrue(cuda.err().contains("no CUDA device is usable"), cuda.err());
    }

    /** A random model with the 32k tokenizer: the text paths run end to end (content is noise). */
    @Test
    void textGenerationAndScoringRunWithATokenizer() throws Exception {
        Path dir = TinyModels.withTokenizer(tmp.resolve("m"), 3);
        CliRun gen = CliRun.of("generate", "--model", dir.toString(), "--prompt", "Hello", "--max-new-tokens", "5", "--json");
        assertEquals(0, gen.exitCode(), gen.err());
        assertTrue(JSON.readTree(gen.out()).has("text"));
        CliRun score = CliRun.of("score", "--model", dir.toString(), "--context", "The movie was", "--continuation", " good", " bad", "--json");
        assertEquals(0, score.exitCode(), score.err());
        JsonNode s = JSON.readTree(score.out()).get("scores");
        assertEquals(2, s.size());
        assertTrue(s.get(0).get("logprob").asDouble() < 0);
    }

    @Test
    void evalWritesResultsAndRescoreReproducesThem() throws Exception {
        Path dir = TinyModels.withTokenizer(tmp.resolve("m"), 5);
        Path out = tmp.resolve("eval");
        CliRun r = CliRun.of("eval", "--model", dir.toString(), "--dataset", "sentiment/sst2", "--shots", "1", "--limit", "12",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode metrics = JSON.readTree(r.out());
        assertTrue(metrics.has("accuracy") && metrics.has("accuracy_ci95"), r.out());
        CliRun again = CliRun.of("eval", "--rescore", out.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(metrics, JSON.readTree(again.out()));
        CliRun bad = CliRun.of("eval", "--model", dir.toString(), "--dataset", "sentiment/imdb");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("sentiment/imdb") && bad.err().contains("sentiment/yelp"), bad.err());
    }

    @Test
    void trainWritesAHuggingFaceCheckpointAndALoraAdapter() throws Exception {
        Path base = TinyModels.withTokenizer(tmp.resolve("base"), 7);
        Path full = tmp.resolve("ft");
        CliRun ft = CliRun.of("train", "--model", base.toString(), "--dataset", "sentiment/amazon", "--method", "fticl", "--shots", "1",
                "--limit", "8", "--epochs", "1", "--batch-size", "4", "--lr", "1e-3", "--max-length", "256", "--out", full.toString());
        assertEquals(0, ft.exitCode(), ft.err());
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "run_card.json", "metrics.jsonl", "loss.png"}) {
            assertTrue(Files.exists(full.resolve(f)), "ft output lacks " + f);
        }
        assertEquals(2, Files.readAllLines(full.resolve("metrics.jsonl")).size()); // 8 records / batch 4, one epoch
        CliRun eval = CliRun.of("eval", "--model", full.toString(), "--dataset", "sentiment/yelp", "--limit", "4", "--out", tmp.resolve("e").toString());
        assertEquals(0, eval.exitCode(), eval.err());

        // what transformers v5 and tokenizer tools leave in a base folder: the outputs carry it, and state their own dtype
        Map<String, String> extras = Map.of("generation_config.json", "{\"do_sample\": false, \"max_length\": 64}\n",
                "special_tokens_map.json", "{\"bos_token\": \"<s>\"}\n", "chat_template.jinja", "{{ messages }}\n", "tokenizer.model", "spm");
        for (var e : extras.entrySet()) Files.writeString(base.resolve(e.getKey()), e.getValue());
        var baseConfig = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(base.resolve("config.json").toFile());
        Files.writeString(base.resolve("config.json"), baseConfig.put("dtype", "bfloat16").toString());
        Path lora = tmp.resolve("lora");
        CliRun lt = CliRun.of("train", "--model", base.toString(), "--dataset", "sentiment/amazon", "--limit", "8", "--epochs", "1",
                "--batch-size", "4", "--lora", "r=4,alpha=8", "--merge", "--max-length", "256", "--out", lora.toString(),
                "--warmup-ratio", "0.5", "--json");
        assertEquals(0, lt.exitCode(), lt.err());
        JsonNode summary = JSON.readTree(lt.out()); // --json: the final summary alone on stdout
        assertEquals(List.of(2L, 8, "ft"), List.of(summary.get("steps").asLong(), summary.get("examples").asInt(), summary.get("method").asText()));
        assertEquals("fp32", summary.at("/provenance/dtype").asText());
        assertEquals(1, JSON.readTree(lora.resolve("run_card.json").toFile()).at("/config/warmupSteps").asInt(), "0.5 of 2 steps");
        JsonNode cfg = JSON.readTree(lora.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(4, cfg.get("r").asInt());
        assertTrue(Files.exists(lora.resolve("adapter_model.safetensors")));
        assertTrue(Files.exists(lora.resolve("merged/model.safetensors")));
        for (Path out : List.of(lora, lora.resolve("merged"))) {
            for (var e : extras.entrySet()) assertEquals(e.getValue(), Files.readString(out.resolve(e.getKey())), out + "/" + e.getKey());
        }
        JsonNode merged = JSON.readTree(lora.resolve("merged/config.json").toFile());
        assertEquals("float32", merged.get("dtype").asText(), "the merged weights are fp32, whatever the base said");
        assertEquals("float32", merged.get("torch_dtype").asText());

        CliRun bad = CliRun.of("train", "--model", base.toString(), "--dataset", "summary/xsum", "--size", "4000", "--out", tmp.resolve("x").toString());
        assertEquals(1, bad.exitCode());
        assertEquals("error: summary/xsum has no training file of size 4000; sizes: [2000]", bad.err().strip());
    }
}
