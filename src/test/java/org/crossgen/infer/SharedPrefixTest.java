package org.crossgen.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.testing.StoriesModelTest;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;

/**
 * A shared prefix computed once gives the answers of the full prompts: exactly in float64 (the
 * logic is exact; measured differences ~1e-13) and to float32 rounding otherwise (GEMMs of
 * another height), with identical greedy ids.
 */
class SharedPrefixTest extends StoriesModelTest {
    private static final int P = 10;

    /** Prompts that share the first {@value P} tokens of the reference input, then differ (lengths 11 to 24). */
    private static List<long[]> prompts() {
        long[] s = ref.inputIds();
        long[] swapped = Arrays.copyOf(s, 16);
        swapped[P] = s[P + 3];
        return List.of(Arrays.copyOf(s, 24), Arrays.copyOf(s, P + 1), swapped, Arrays.copyOf(s, 19));
    }

    @Test
    void commonLengthIsTheLongestSharedPrefixLeavingTokensToEachRow() {
        List<long[]> rows = List.of(new long[] {1, 5, 6, 7, 8}, new long[] {1, 5, 6, 9}, new long[] {1, 5, 6, 7});
        assertEquals(3, SharedPrefix.commonLength(rows, 0));           // [1, 5, 6]
        assertEquals(3, SharedPrefix.commonLength(rows, 1));           // row 2 keeps 9, row 3 keeps 7
        assertEquals(2, SharedPrefix.commonLength(rows, 2));           // row 2 has 4 tokens: at most 2 shared
        assertEquals(4, SharedPrefix.commonLength(List.of(new long[] {1, 2, 3, 4, 5}), 1));
        assertEquals(0, SharedPrefix.commonLength(List.of(new long[] {1}, new long[] {2, 3}), 0));
        assertEquals(0, SharedPrefix.commonLength(List.of(), 1));
    }

    @Test
    void nextTokenLogitsEqualThoseOfTheFullPrompts() throws Exception {
        assertTrue(nextTokenDifference(model) <= 1e-4, "float32, tolerance 1e-4");
        try (LlamaModel f64 = LlamaModel.load(TestResources.stories260k(), DType.FLOAT64, ComputeDevice.CPU)) {
            double worst = nextTokenDifference(f64);
            assertTrue(worst <= 1e-9, "float64, tolerance 1e-9: worst " + worst);
        }
    }

    private static double nextTokenDifference(LlamaModel m) {
        long[] all = new long[512];
        for (int v = 0; v < all.length; v++) all[v] = v;
        TokenScorer scorer = new TokenScorer(m, 0);
        float[][] full = scorer.nextTokenLogits(prompts(), all);
        float[][] reused;
        try (SharedPrefix prefix = SharedPrefix.compute(m, Arrays.copyOf(ref.inputIds(), P))) {
            reused = scorer.nextTokenLogits(prompts(), all, prefix);
        }
        double worst = 0;
        for (int b = 0; b < full.length; b++) for (int v = 0; v < all.length; v++) worst = Math.max(worst, Math.abs(full[b][v] - reused[b][v]));
        return worst;
    }

    @Test
    void logLikelihoodsEqualThoseOfTheFullPrompts() {
        long[] s = ref.inputIds();
        List<long[]> contexts = List.of(Arrays.copyOf(s, P + 1), Arrays.copyOf(s, 20), Arrays.copyOf(s, P + 4));
        List<long[]> continuations = List.of(Arrays.copyOfRange(s, P + 1, 24), new long[] {s[20]}, new long[] {461, 461, 401});
        TokenScorer scorer = new TokenScorer(model, 0);
        LogLikelihood[] full = scorer.logLikelihood(contexts, continuations);
        LogLikelihood[] reused;
        try (SharedPrefix prefix = SharedPrefix.compute(model, Arrays.copyOf(s, P))) {
            reused = scorer.logLikelihood(contexts, continuations, prefix);
        }
        for (int i = 0; i < full.length; i++) {
            assertEquals(full[i].logProb(), reused[i].logProb(), 1e-4, "request " + i);
            assertEquals(full[i].tokens(), reused[i].tokens());
            assertEquals(full[i].greedy(), reused[i].greedy());
        }
    }

    @Test
    void generationFromTheSharedPrefixProducesTheSameIds() {
        GreedyGenerator gen = new GreedyGenerator(model, Set.of(2L), 0);
        List<long[]> full = gen.generate(prompts(), 30, StopCondition.NEVER);
        List<long[]> reused;
        try (SharedPrefix prefix = SharedPrefix.compute(model, Arrays.copyOf(ref.inputIds(), P))) {
            reused = gen.generate(prompts(), 30, StopCondition.NEVER, prefix);
        }
        for (int i = 0; i < full.size(); i++) assertArrayEquals(full.get(i), reused.get(i), "prompt " + i);
    }

    @Test
    void greedyFromBosThroughAPrefixStillReproducesLlama2c() {
        long[] prompt = ref.promptIds();
        long[] withHistory = Arrays.copyOf(ref.greedyIds(), 12);       // BOS's greedy story so far, then continue it
        long[] start = new long[prompt.length + withHistory.length];
        System.arraycopy(prompt, 0, start, 0, prompt.length);
        System.arraycopy(withHistory, 0, start, prompt.length, withHistory.length);
        try (SharedPrefix prefix = SharedPrefix.compute(model, Arrays.copyOf(start, 8))) {
            long[] got = new GreedyGenerator(model, Set.of(2L), 0).generate(List.of(start), 40, StopCondition.NEVER, prefix).get(0);
            assertArrayEquals(Arrays.copyOfRange(ref.greedyIds(), 12, 52), got, "greedy ids 12..51 vs llama2.c");
        }
    }

    @Test
    void aRowWithoutThePrefixIsRefused() {
        try (SharedPrefix prefix = SharedPrefix.compute(model, Arrays.copyOf(ref.inputIds(), P))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TokenScorer(model, 0).nextTokenLogits(List.of(new long[] {1, 2, 3}), new long[] {5}, prefix));
            assertEquals("a row of 3 tokens does not start with the shared prefix of 10 tokens", e.getMessage());
        }
    }
}
