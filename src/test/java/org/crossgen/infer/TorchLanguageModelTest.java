package org.crossgen.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.testing.TinyModels;
import org.crossgen.text.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text requests of a few-shot cell answered with the shared prefix computed once equal those answered without. */
class TorchLanguageModelTest {
    static LlamaModel model;
    static Tokenizer tokenizer;
    @TempDir static Path shared;

    /** An instruction and two demonstrations (~60 tokens) shared by every prompt, then the record. */
    private static final String DEMOS = "Classify the sentiment of each review as positive or negative.\n\n"
            + "### Input:\nThe battery died after two days and support never answered.\n### Sentiment:\nnegative\n\n"
            + "### Input:\nSturdy, quiet, and it arrived a day early. Would buy again.\n### Sentiment:\npositive\n\n";
    private static final List<String> RECORDS = List.of("Works as described.", "Broke the first time I dropped it on the carpet.",
            "Meh.", "The colours are lovely but the zipper sticks and the strap frayed within a week of light use.");

    static TinyModels.Loaded loaded;

    @BeforeAll
    static void load() throws Exception {
        loaded = TinyModels.loadWithTokenizer(shared.resolve("tiny"), 5);
        model = loaded.model();
        tokenizer = loaded.tokenizer();
    }

    @AfterAll
    static void close() {
        loaded.close();
    }

    private static List<String> prompts() {
        return RECORDS.stream().map(r -> DEMOS + "### Input:\n" + r + "\n### Sentiment:").toList();
    }

    @Test
    void thePromptsShareALongEnoughPrefixToBeReused() {
        List<long[]> ids = prompts().stream().map(p -> tokenizer.encode(p, true)).toList();
        int shared = SharedPrefix.commonLength(ids, 1);
        assertTrue(shared >= TorchLanguageModel.MIN_SHARED_PREFIX, "shared prefix of " + shared + " tokens");
    }

    @Test
    void labelScoresAreTheSameWithAndWithoutPrefixReuse() {
        List<Request.FirstTokenChoice> first = prompts().stream().map(p -> new Request.FirstTokenChoice(p, List.of("positive", "negative"))).toList();
        List<Request.Loglikelihood> ll = new ArrayList<>();
        for (String p : prompts()) for (String label : List.of("positive", "negative")) ll.add(new Request.Loglikelihood(p, label));
        TorchLanguageModel lm = new TorchLanguageModel(model, tokenizer);
        List<float[]> reusedFirst = lm.prefixReuse(true).firstTokenLogits(first, 3, n -> {});
        List<LogLikelihood> reusedLl = lm.loglikelihood(ll, 3, n -> {});
        List<float[]> fullFirst = lm.prefixReuse(false).firstTokenLogits(first, 3, n -> {});
        List<LogLikelihood> fullLl = lm.loglikelihood(ll, 3, n -> {});
        for (int i = 0; i < first.size(); i++) {
            for (int k = 0; k < 2; k++) assertEquals(fullFirst.get(i)[k], reusedFirst.get(i)[k], 1e-4, "first-token logit, prompt " + i);
        }
        for (int i = 0; i < ll.size(); i++) {
            assertEquals(fullLl.get(i).logProb(), reusedLl.get(i).logProb(), 1e-4, "log-likelihood, request " + i);
            assertEquals(fullLl.get(i).greedy(), reusedLl.get(i).greedy(), "greedy flag, request " + i);
        }
    }

    @Test
    void generationsAreTheSameWithAndWithoutPrefixReuse() {
        List<Request.Generate> requests = prompts().stream().map(p -> new Request.Generate(p, List.of(), 12)).toList();
        TorchLanguageModel lm = new TorchLanguageModel(model, tokenizer);
        List<String> reused = lm.prefixReuse(true).generate(requests, 3, n -> {});
        List<String> full = lm.prefixReuse(false).generate(requests, 3, n -> {});
        assertEquals(full, reused);
        assertTrue(full.stream().anyMatch(s -> !s.isEmpty()), "the tiny model generates something: " + full);
    }
}
