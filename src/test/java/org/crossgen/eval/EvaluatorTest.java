package org.crossgen.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.crossgen.data.TaskRegistry;
import org.crossgen.infer.TorchLanguageModel;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.testing.TinyModels;
import org.crossgen.text.Tokenizer;
import org.crossgen.prompt.Sampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    static LlamaModel model;
    static Tokenizer tokenizer;
    static final TaskRegistry registry = TaskRegistry.paper();
    @TempDir static Path shared;
    @TempDir Path tmp;

    static TinyModels.Loaded loaded;

    @BeforeAll
    static void load() throws Exception {
        loaded = TinyModels.loadWithTokenizer(shared.resolve("tiny"), 11);
        model = loaded.model();
        tokenizer = loaded.tokenizer();
    }

    @AfterAll
    static void close() {
        loaded.close();
    }

    static EvalSpec spec(String dataset, int shots, ScoringMode mode, int limit) {
        return new EvalSpec(dataset, 0, shots, Sampler.FIRST_K, 1234, mode, limit, 60, 1024, false);
    }

    @Test
    void classificationWritesRecordsAndSummaryThatRescoreIdentically() throws Exception {
        Evaluator ev = new Evaluator(new TorchLanguageModel(model, tokenizer), registry, 8);
        EvalResult r = ev.run("tiny", spec("sentiment/yelp", 2, ScoringMode.FIRST_TOKEN, 50), n -> {});
        r.write(tmp);
        List<String> lines = Files.readAllLines(tmp.resolve(EvalResult.RECORDS));
        assertEquals(50, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertTrue(List.of("positive", "negative").contains(first.get("prediction").asText()));
        assertEquals(64, first.get("promptSha256").asText().length());
        assertEquals(2, first.get("labelScores").size());
        JsonNode summary = new ObjectMapper().readTree(tmp.resolve(EvalResult.SUMMARY).toFile());
        assertEquals("first-token", summary.get("scoring").asText());
        assertEquals(2, summary.get("shots").asInt());
        Map<String, Object> again = EvalResult.rescore(tmp, registry);
        assertEquals(summary.get("metrics").get("accuracy").asDouble(), (double) again.get("accuracy"), 0.0);
        assertEquals(new ObjectMapper().valueToTree(again), summary.get("metrics"));
    }

    @Test
    void generationCutsAtBlankLineAndRescoresIdentically() throws Exception {
        Evaluator ev = new Evaluator(new TorchLanguageModel(model, tokenizer), registry, 8);
        EvalResult r = ev.run("tiny", spec("question/socialqa", 0, ScoringMode.FIRST_TOKEN, 50), n -> {});
        r.write(tmp);
        assertTrue(r.records().stream().noneMatch(x -> x.prediction().contains("\n\n")));
        JsonNode summary = new ObjectMapper().readTree(tmp.resolve(EvalResult.SUMMARY).toFile());
        assertEquals(new ObjectMapper().valueToTree(EvalResult.rescore(tmp, registry)), summary.get("metrics"));
        assertTrue(summary.get("metrics").has("rougeL") && summary.get("metrics").has("bleu"));
        assertTrue(summary.get("metrics").get("bleu_signature").asText().startsWith("nrefs:1|case:mixed"));
    }

    @Test
    void predictionsDoNotDependOnBatchSize() {
        TorchLanguageModel lm = new TorchLanguageModel(model, tokenizer);
        for (EvalSpec s : List.of(spec("inference/rte", 1, ScoringMode.FIRST_TOKEN, 24),
                spec("detection/qqp", 0, ScoringMode.LOGLIKELIHOOD, 16), spec("summary/xsum", 0, ScoringMode.FIRST_TOKEN, 8))) {
            List<String> one = new Evaluator(lm, registry, 1).run("tiny", s, n -> {}).records().stream().map(RecordResult::prediction).toList();
            List<String> eight = new Evaluator(lm, registry, 8).run("tiny", s, n -> {}).records().stream().map(RecordResult::prediction).toList();
            assertEquals(one, eight, s.dataset() + ": batch 1 vs batch 8");
        }
    }

    @Test
    void unlabelledRecordsAreAlwaysWrong() {
        RecordResult r = new RecordResult(0, "x", 3, false, "positive", "-", Map.of());
        RecordResult ok = new RecordResult(1, "y", 3, false, "negative", "negative", Map.of());
        Map<String, Object> m = EvalMetrics.compute(registry.task("sentiment"), List.of(r, ok), false, 1);
        assertEquals(0.5, (double) m.get("accuracy"), 0.0);
    }
}
