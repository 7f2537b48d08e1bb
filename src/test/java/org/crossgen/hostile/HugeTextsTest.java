package org.crossgen.hostile;

import static org.crossgen.hostile.Hostile.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.crossgen.metrics.GenerationScorer;
import org.crossgen.metrics.RougeScore;
import org.crossgen.metrics.RougeScorer;
import org.crossgen.metrics.RougeType;
import org.crossgen.metrics.TextPair;
import org.junit.jupiter.api.Test;

/**
 * Texts long enough to have exhausted memory (ROUGE's LCS table was {@code n·m} ints: 14 GB for
 * two 60k-token texts, far beyond the test JVM's 4 GB) now score exactly, and absurd ones are
 * refused at once instead of running for hours.
 */
class HugeTextsTest {
    private static final double EPS = 1e-12;

    @Test
    void aSixtyThousandTokenPairScoresExactlyInLinearMemory() {
        Random rnd = new Random(7);
        StringBuilder ref = new StringBuilder(), hyp = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            String word = "w" + rnd.nextInt(5000);
            ref.append(word).append(' ');
            hyp.append(i % 10 == 0 ? "zzz" : word).append(' ');  // every 10th token replaced by one the reference lacks
        }
        Map<RougeType, RougeScore> s = assertTimeoutPreemptively(Hostile.BOUND,
                () -> RougeScorer.allTypes(false).score(ref.toString(), hyp.toString()));
        // the LCS is exactly the 54,000 kept tokens: no longer one exists, as the hypothesis has no other
        for (RougeType type : List.of(RougeType.ROUGE_L, RougeType.ROUGE_LSUM)) {
            assertEquals(54_000.0 / 60_000, s.get(type).precision(), EPS, type.key());
            assertEquals(54_000.0 / 60_000, s.get(type).recall(), EPS, type.key());
        }
    }

    @Test
    void absurdLengthsAreRefusedAtOnce() {
        String huge = "a ".repeat(100_001);
        IllegalArgumentException e = refused(IllegalArgumentException.class,
                () -> new GenerationScorer(false).score(List.of(new TextPair(huge, huge))));
        assertEquals("pair 1 of 1: texts of 100001 and 100001 tokens: ROUGE-L would compare 10000200001 token pairs, "
                + "more than the limit of 10^10 (texts of about 100k tokens each)", e.getMessage());
        String lines = "a\n".repeat(3_200);
        e = refused(IllegalArgumentException.class, () -> RougeScorer.allTypes(false).score(lines, lines));
        assertEquals("texts of 3200 and 3200 lines: ROUGE-Lsum would compare 10240000 pairs of lines, more than the limit of 10^7",
                e.getMessage());
    }
}
