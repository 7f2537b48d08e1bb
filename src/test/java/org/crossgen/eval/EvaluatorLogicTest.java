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
import org.crossgen.prompt.PromptCompat;
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
    void aClassificationSummaryHoldsTheCellsLabelDistributionFromItsRecords() throws Exception {
        lm.firstToken(r -> new float[] {1f, 0f}); // always "positive": a degenerate classifier
        EvalResult r = new Evaluator(lm, PAPER, 4).run("fake", spec("sentiment/sst2", 0, ScoringMode.FIRST_TOKEN, 10, 1024), n -> {});
        List<String> gold = references("sentiment/sst2", 10);
        long positive = gold.stream().filter("positive"::equals).count(), negative = gold.stream().filter("negative"::equals).count();
        Map<String, Long> expectedGold = new LinkedHashMap<>();
        expectedGold.put("positive", positive);
        expectedGold.put("negative", negative);
        if (positive + negative < 10) expectedGold.put("-", 10 - positive - negative);

        // through JSON, as the results store reads it back from the stored summary
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var labels = EvalMetrics.labels(json.readTree(json.writeValueAsString(r.summary())).get("metrics"));
        assertEquals(Map.of("positive", 10, "negative", 0), labels.predicted());
        assertEquals(expectedGold.toString(), labels.reference().toString());
        assertEquals(Math.max(positive, negative) / 10.0, labels.majorityAccuracy(), 1e-12);
        assertEquals((positive + negative) / 20.0, labels.chanceAccuracy(), 1e-12);
        assertTrue(labels.degenerate());
        assertEquals(positive / 10.0, (double) r.metrics().get("accuracy"), 1e-12); // = the majority baseline when positive leads
        assertEquals(0.5, labels.scoreAuc(), 1e-12, "the same scores for every record rank nothing");
        assertEquals(0.5, (double) r.metrics().get("label_score_auc"), 1e-12);
    }

    /**
     * A classifier that says "positive" to every record, but by a wider margin where the record is
     * positive: degenerate, accuracy the label prior, and a perfect ranking (AUC 1) that the summary
     * keeps and a re-score from the records computes again.
     */
    @Test
    void aDegenerateClassifierWhoseScoresFollowTheLabelRanksPerfectly() throws Exception {
        List<Example> tests = PAPER.dataset("sentiment/sst2").testExamples().subList(0, 10);
        lm.firstToken(q -> {
            Example e = tests.stream().filter(x -> q.context().contains(x.field("input"))).findFirst().orElseThrow();
            return new float[] {e.output().equals("positive") ? 3f : 2f, 0f};
        });
        EvalResult r = new Evaluator(lm, PAPER, 4).run("fake", spec("sentiment/sst2", 0, ScoringMode.FIRST_TOKEN, 10, 1024), n -> {});
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var labels = EvalMetrics.labels(json.readTree(json.writeValueAsString(r.summary())).get("metrics"));
        assertTrue(labels.degenerate());
        assertEquals(1.0, labels.scoreAuc(), 1e-12);
        assertEquals(1.0, (double) EvalMetrics.compute(PAPER.dataset("sentiment/sst2").task(), r.records(), false, 1)
                .get("label_score_auc"), 1e-12);
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
    void theSummaryCountsWhatFittingDidToThePrompts() {
        lm.generation(i -> "x");
        // 2-shot xsum in 400 tokens: demonstrations go first, then the article is cut
        EvalResult r = new Evaluator(lm, PAPER, 8).run("fake", spec("summary/xsum", 2, ScoringMode.FIRST_TOKEN, 6, 400), n -> {});
        @SuppressWarnings("unchecked")
        Map<String, Object> fitting = (Map<String, Object>) r.summary().get("fitting");
        assertEquals(List.of("prompts", "truncated", "lost_demonstrations", "dropped_demonstrations", "input_cut", "input_tokens_cut"),
                List.copyOf(fitting.keySet()));
        assertEquals(6, fitting.get("prompts"));
        long truncated = r.records().stream().filter(RecordResult::truncated).count();
        assertTrue(truncated > 0, "2-shot xsum does not fit 340 tokens");
        assertEquals((int) truncated, fitting.get("truncated"));
        int lost = (int) fitting.get("lost_demonstrations");
        long dropped = (long) fitting.get("dropped_demonstrations");
        assertTrue(lost >= 1 && dropped >= lost && dropped <= 2L * lost, fitting::toString);
        int cut = (int) fitting.get("input_cut");
        long tokensCut = (long) fitting.get("input_tokens_cut");
        assertTrue(cut == 0 ? tokensCut == 0 : tokensCut >= cut, fitting::toString);

        lm.firstToken(q -> new float[] {0f, 1f});
        EvalResult roomy = new Evaluator(lm, PAPER, 8).run("fake", spec("sentiment/yelp", 2, ScoringMode.FIRST_TOKEN, 4, 4096), n -> {});
        assertEquals(Map.of("prompts", 4, "truncated", 0, "lost_demonstrations", 0, "dropped_demonstrations", 0L, "input_cut", 0,
                "input_tokens_cut", 0L), roomy.summary().get("fitting"));
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

    /** --prompt-compat paper: "<s> " text before zero-shot prompts; no BOS token for classification, one for generation. */
    @Test
    void thePapersBosHandling() {
        lm.firstToken(q -> new float[] {0f, 1f});
        lm.generation(i -> "x");
        record Seen(String start, boolean bos) {}
        java.util.function.Function<EvalSpec, List<Seen>> run = spec -> {
            lm.requests.clear();
            new Evaluator(lm, PAPER, 8).run("fake", spec, n -> {});
            return lm.requests.stream().map(q -> q instanceof Request.Generate g ? new Seen(g.context().substring(0, 6), g.addBos())
                    : new Seen(((Request.FirstTokenChoice) q).context().substring(0, 6), ((Request.FirstTokenChoice) q).addBos())).distinct().toList();
        };
        PromptCompat paper = PromptCompat.PAPER;
        assertEquals(List.of(new Seen("<s> ##", false)), run.apply(new EvalSpec("sentiment/yelp", 0, 0, Sampler.FIRST_K, 1, ScoringMode.FIRST_TOKEN, 3, 60, 4096, false, paper)));
        assertEquals(List.of(new Seen("### In", false)), run.apply(new EvalSpec("sentiment/yelp", 0, 2, Sampler.FIRST_K, 1, ScoringMode.FIRST_TOKEN, 3, 60, 4096, false, paper)));
        assertEquals(List.of(new Seen("<s> ##", true)), run.apply(new EvalSpec("summary/xsum", 0, 0, Sampler.FIRST_K, 1, ScoringMode.FIRST_TOKEN, 3, 60, 4096, false, paper)));
        assertEquals(List.of(new Seen("### In", true)), run.apply(new EvalSpec("summary/xsum", 0, 1, Sampler.FIRST_K, 1, ScoringMode.FIRST_TOKEN, 3, 60, 4096, false, paper)));
        assertEquals(List.of(new Seen("### In", true)), run.apply(spec("sentiment/yelp", 0, ScoringMode.FIRST_TOKEN, 3, 4096)));
        // the literal <s> is the tokenizer's BOS token: a zero-shot classification prompt starts with exactly one BOS
        long[] ids = lm.tokenizer().encode(PromptCompat.PAPER_ZERO_SHOT_PREFIX + "### Input:", false);
        assertEquals(lm.tokenizer().bosId(), ids[0]);
        assertTrue(java.util.Arrays.stream(ids).skip(1).noneMatch(id -> id == lm.tokenizer().bosId()));
    }
}
