package org.crossgen.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Example;
import org.crossgen.data.TaskRegistry;
import org.crossgen.infer.LogLikelihood;
import org.crossgen.infer.Request;
import org.crossgen.prompt.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's own logic against a {@link FakeLanguageModel} (no libtorch): which requests it
 * makes, how answers map back to records, label choice, budgets, progress and the summary. The
 * real model's side is {@link EvaluatorTest}.
 */
class EvaluatorLogicTest {
    static final TaskRegistry PAPER = TaskRegistry.paper();
    final FakeLanguageModel lm = new FakeLanguageModel();

    @AfterEach
    void close() {
        lm.close();
    }

    static EvalSpec spec(String dataset, int shots, ScoringMode mode, int limit, int maxLength) {
        return new EvalSpec(dataset, 0, shots, Sampler.FIRST_K, 1234, mode, limit, 60, maxLength, false);
    }

    private static List<String> references(String dataset, int n) {
        return PAPER.dataset(dataset).testExamples().subList(0, n).stream().map(Example::output).toList();
    }

    @Test
    void firstTokenScoringTakesTheLargestLogitAndTiesGoToTheEarlierLabel() {
        // "negative" wins for prompts of even length; otherwise the two logits tie and "positive" (label 0) wins
        lm.firstToken(r -> new float[] {0f, r.context().length() % 2 == 0 ? 1f : 0f});
        EvalResult r = new Evaluator(lm, PAPER, 8).run("fake", spec("sentiment/yelp", 2, ScoringMode.FIRST_TOKEN, 20, 1024), n -> {});

        List<String> expected = new ArrayList<>();
        for (Request q : lm.requests) {
            Request.FirstTokenChoice c = (Request.FirstTokenChoice) q;
            assertEquals(List.of("positive", "negative"), c.labels());
            expected.add(c.context().length() % 2 == 0 ? "negative" : "positive");
        }
        assertEquals(expected, r.records().stream().map(RecordResult::prediction).toList());
        assertEquals(List.of(8, 8, 4), lm.progress);
        List<String> gold = references("sentiment/yelp", 20);
        long right = 0;
        for (int i = 0; i < 20; i++) if (gold.get(i).equals(expected.get(i))) right++;
        assertEquals(right / 20.0, (double) r.metrics().get("accuracy"), 1e-12);
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("positive", 0.0);
        scores.put("negative", expected.get(0).equals("negative") ? 1.0 : 0.0);
        assertEquals(scores, r.records().get(0).labelScores());
        assertEquals(gold, r.records().stream().map(RecordResult::reference).toList());
    }

    @Test
    void loglikelihoodScoringSumsAndTheNormalisedModeDividesByTokens() {
        // positive: log p = -2 over 1 token; negative: -3 over 3 tokens (-1 per token)
        lm.loglikelihood(q -> q.continuation().equals("positive") ? new LogLikelihood(-2, 1, false) : new LogLikelihood(-3, 3, false));
        EvalResult sum = new Evaluator(lm, PAPER, 4).run("fake", spec("sentiment/sst2", 0, ScoringMode.LOGLIKELIHOOD, 6, 1024), n -> {});
        assertEquals(2 * 6, lm.requests.size()); // one request per record and label
        assertEquals(List.of("positive", "negative"),
                lm.requests.subList(0, 2).stream().map(q -> ((Request.Loglikelihood) q).continuation()).toList());
        assertTrue(sum.records().stream().allMatch(x -> x.prediction().equals("positive")));
        assertEquals(Map.of("positive", -2.0, "negative", -3.0), sum.records().get(0).labelScores());

        EvalResult norm = new Evaluator(lm, PAPER, 4).run("fake", spec("sentiment/sst2", 0, ScoringMode.LOGLIKELIHOOD_NORM, 6, 1024), n -> {});
        assertTrue(norm.records().stream().allMatch(x -> x.prediction().equals("negative")));
        assertEquals(Map.of("positive", -2.0, "negative", -1.0), norm.records().get(0).labelScores());
        assertEquals("loglikelihood-norm", norm.summary().get("scoring"));
    }

    @Test
    void generationAsksForTheBudgetAndStopStringAndAPerfectAnswerScoresPerfectly() {
        List<String> gold = references("summary/xsum", 5);
        lm.generation(gold::get);
        List<Integer> progress = new ArrayList<>();
        EvalResult r = new Evaluator(lm, PAPER, 2).run("fake", spec("summary/xsum", 0, ScoringMode.FIRST_TOKEN, 5, 1024), progress::add);
        for (Request q : lm.requests) {
            assertEquals(List.of("\n\n"), ((Request.Generate) q).stopSequences());
            assertEquals(60, ((Request.Generate) q).maxNewTokens());
        }
        assertEquals(List.of(2, 2, 1), progress);
        assertEquals(1.0, (double) r.metrics().get("rougeL"), 1e-12);
        assertEquals(100.0, (double) r.metrics().get("bleu"), 1e-9);
        assertEquals("greedy-generation", r.summary().get("scoring"));
    }

    @Test
    void promptsAreFittedToTheTokenBudgetLeftForTheAnswer() {
        lm.generation(i -> "x");
        EvalResult r = new Evaluator(lm, PAPER, 8).run("fake", spec("summary/xsum", 0, ScoringMode.FIRST_TOKEN, 5, 128), n -> {});
        int budget = 128 - 60;
        for (Request q : lm.requests) {
            int tokens = lm.tokenizer().count(((Request.Generate) q).context(), true);
            assertTrue(tokens <= budget, tokens + " prompt tokens, budget " + budget);
        }
        assertTrue(r.records().stream().allMatch(RecordResult::truncated), "every xsum article is longer than 68 tokens");
        assertTrue(r.records().stream().allMatch(x -> x.promptTokens() <= budget));
        assertEquals(5L, r.summary().get("truncated"));
    }

    @Test
    void theSummaryNamesModelDatasetSettingsAndDtype() {
        lm.firstToken(q -> new float[] {1f, 0f});
        EvalResult r = new Evaluator(lm, PAPER, 8).run("my-model", spec("sentiment/yelp", 1, ScoringMode.FIRST_TOKEN, 3, 1024), n -> {});
        Map<String, Object> s = r.summary();
        assertEquals(List.of("my-model", "sentiment/yelp", "sentiment", 1, "paper", "first-token", "bfloat16", 3),
                List.of(s.get("model"), s.get("dataset"), s.get("task"), s.get("shots"), s.get("sampler"), s.get("scoring"),
                        s.get("dtype"), s.get("n")));
        assertEquals(org.crossgen.tensor.Provenance.of("cpu", "bfloat16").toMap(), s.get("provenance"),
                "summary.json records which crossgen, libtorch, device and dtype made it");
    }
}
