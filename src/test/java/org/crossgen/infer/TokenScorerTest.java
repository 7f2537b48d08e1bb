package org.crossgen.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.crossgen.testing.StoriesModelTest;
import org.junit.jupiter.api.Test;

class TokenScorerTest extends StoriesModelTest {
    /** log-softmax of the reference logits at position t, entry v (double precision). */
    static double refLogProb(int t, long v) {
        float[] row = ref.logits()[t];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float x : row) max = Math.max(max, x);
        for (float x : row) sum += Math.exp(x - max);
        return row[(int) v] - max - Math.log(sum);
    }

    @Test
    void logLikelihoodMatchesReferenceLogits() {
        long[] s = ref.inputIds();
        int ctx = 10;
        var ll = new TokenScorer(model, 0).logLikelihood(List.of(Arrays.copyOf(s, ctx)), List.of(Arrays.copyOfRange(s, ctx, s.length)))[0];
        double want = 0;
        for (int t = ctx - 1; t < s.length - 1; t++) want += refLogProb(t, s[t + 1]);
        assertEquals(want, ll.logProb(), 1e-3, "sum log P(continuation) vs llama2.c logits");
        assertEquals(s.length - ctx, ll.tokens());
        assertFalse(ll.greedy(), "a story fragment is not the model's greedy continuation");
    }

    @Test
    void greedyContinuationIsFlaggedGreedy() {
        long[] greedy = Arrays.copyOf(ref.greedyIds(), 6);
        var ll = new TokenScorer(model, 0).logLikelihood(List.of(ref.promptIds()), List.of(greedy))[0];
        assertTrue(ll.greedy());
    }

    @Test
    void batchedScoresEqualSingleScores() {
        long[] s = ref.inputIds();
        List<long[]> ctx = List.of(Arrays.copyOf(s, 3), Arrays.copyOf(s, 12), new long[] {1});
        List<long[]> cont = List.of(Arrays.copyOfRange(s, 3, 20), new long[] {s[12]}, new long[] {461, 461, 401});
        TokenScorer scorer = new TokenScorer(model, 0);
        var batched = scorer.logLikelihood(ctx, cont);
        for (int i = 0; i < ctx.size(); i++) {
            var alone = scorer.logLikelihood(List.of(ctx.get(i)), List.of(cont.get(i)))[0];
            // float32 GEMM rounding depends on the batch shape: ~1e-6 per token
            assertEquals(alone.logProb(), batched[i].logProb(), 1e-4, "request " + i);
            assertEquals(alone.greedy(), batched[i].greedy());
        }
    }

    @Test
    void nextTokenLogitsAreTheReferenceLogitsOfTheCandidates() {
        long[] s = ref.inputIds();
        long[] candidates = {5, 409, 13, 511};
        float[][] got = new TokenScorer(model, 0).nextTokenLogits(List.of(Arrays.copyOf(s, 7), Arrays.copyOf(s, 24)), candidates);
        for (int k = 0; k < candidates.length; k++) {
            assertEquals(ref.logits()[6][(int) candidates[k]], got[0][k], 1e-4, "context of 7, candidate " + candidates[k]);
            assertEquals(ref.logits()[23][(int) candidates[k]], got[1][k], 1e-4, "context of 24, candidate " + candidates[k]);
        }
    }
}
