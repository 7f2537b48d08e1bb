package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-checkable ROUGE cases written as fractions, and edge inputs. */
class RougeScorerTest {
    private static final double EPS = 1e-12;
    private final RougeScorer plain = RougeScorer.allTypes(false);

    @Test
    void rouge1CountsUnigramOverlap() {
        RougeScore s = plain.score("the cat sat", "the cat").get(RougeType.ROUGE1);
        assertEquals(1.0, s.precision(), EPS);      // both hypothesis unigrams found
        assertEquals(2.0 / 3, s.recall(), EPS);     // 2 of 3 reference unigrams found
        assertEquals(4.0 / 5, s.f1(), EPS);         // 2PR / (P + R)
    }

    @Test
    void rouge1ClipsRepeatedUnigramsToTheReferenceCount() {
        RougeScore s = plain.score("a", "a a a a a a").get(RougeType.ROUGE1);
        assertEquals(1.0 / 6, s.precision(), EPS);  // only one "a" may match
        assertEquals(1.0, s.recall(), EPS);
        assertEquals(2.0 / 7, s.f1(), EPS);         // 2·(1/6)·1 / (7/6)
    }

    @Test
    void rouge2CountsBigramOverlap() {
        // the-cat, on-the, the-mat shared; cat-sat/sat-on vs cat-lay/lay-on not.
        RougeScore s = plain.score("the cat sat on the mat", "the cat lay on the mat").get(RougeType.ROUGE2);
        assertEquals(3.0 / 5, s.precision(), EPS);
        assertEquals(3.0 / 5, s.recall(), EPS);
        assertEquals(3.0 / 5, s.f1(), EPS);
    }

    @Test
    void rougeLUsesTheLongestCommonSubsequence() {
        RougeScore s = plain.score("a b c d e", "a c e x").get(RougeType.ROUGE_L);  // LCS a c e
        assertEquals(3.0 / 4, s.precision(), EPS);
        assertEquals(3.0 / 5, s.recall(), EPS);
        assertEquals(2.0 / 3, s.f1(), EPS);         // 2·(3/4)(3/5) / (27/20)
    }

    @Test
    void rougeLIgnoresLineBreaks() {
        assertEquals(1.0, plain.score("a b\nc", "a b c").get(RougeType.ROUGE_L).f1(), EPS);
    }

    @Test
    void rougeLsumTakesTheUnionOfSentenceLcs() {
        // The ROUGE paper's example: LCS(r, c1) = a b, LCS(r, c2) = a c e, union a b c e.
        RougeScore s = plain.score("a b c d e", "a b f g h\na c h i e").get(RougeType.ROUGE_LSUM);
        assertEquals(4.0 / 10, s.precision(), EPS);
        assertEquals(4.0 / 5, s.recall(), EPS);
        assertEquals(8.0 / 15, s.f1(), EPS);
    }

    @Test
    void rougeLsumCountsATokenNoMoreOftenThanItOccurs() {
        // Both reference lines contain "a b", but the hypothesis has only one of each.
        RougeScore s = plain.score("a b\na b", "a b").get(RougeType.ROUGE_LSUM);
        assertEquals(1.0, s.precision(), EPS);
        assertEquals(2.0 / 4, s.recall(), EPS);
        assertEquals(2.0 / 3, s.f1(), EPS);
    }

    @Test
    void rougeLsumSkipsEmptyLines() {
        assertEquals(1.0, plain.score("line one\nline two", "line one\n\nline two")
                .get(RougeType.ROUGE_LSUM).f1(), EPS);
    }

    @Test
    void stemmerConflatesInflectionsLongerThanThreeLetters() {
        RougeScorer stemmed = new RougeScorer(EnumSet.of(RougeType.ROUGE1), true);
        assertEquals(1.0, stemmed.score("running", "runs").get(RougeType.ROUGE1).f1(), EPS);  // both "run"
        assertEquals(0.0, plain.score("running", "runs").get(RougeType.ROUGE1).f1(), EPS);
        assertEquals(0.0, stemmed.score("ran", "run").get(RougeType.ROUGE1).f1(), EPS);       // no stemming of 3 letters
    }

    @Test
    void emptyOrTokenlessTextScoresZeroEverywhere() {
        for (String[] pair : List.of(new String[] {"", ""}, new String[] {"a reference", ""},
                new String[] {"", "a hypothesis"}, new String[] {"!!! ...", "?"},
                new String[] {"日本語 の テキスト", "日本語のテキスト"})) {
            Map<RougeType, RougeScore> scores = plain.score(pair[0], pair[1]);
            for (RougeType type : RougeType.values()) {
                assertEquals(RougeScore.ZERO, scores.get(type), () -> type.key() + " of \"" + pair[0] + "\" vs \"" + pair[1] + "\"");
            }
        }
    }

    @Test
    void tokenizerKeepsOnlyLowercaseAsciiLettersAndDigits() {
        RougeTokenizer tokenizer = new RougeTokenizer(false);
        assertEquals(List.of("don", "t", "caf", "na", "ve", "3", "5"), tokenizer.tokenize("Don't Café naïve 3.5"));
        assertEquals(List.of("k"), tokenizer.tokenize("\u212A"));  // Kelvin sign lowercases to k
    }

    @Test
    void scoresOnlyTheConfiguredTypes() {
        RougeScorer r2 = new RougeScorer(EnumSet.of(RougeType.ROUGE2), false);
        assertEquals(EnumSet.of(RougeType.ROUGE2), r2.score("a b", "a b").keySet());
        assertThrows(IllegalArgumentException.class, () -> new RougeScorer(EnumSet.noneOf(RougeType.class), false));
    }

    @Test
    void unknownTypeKeyListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RougeType.fromKey("rouge3"));
        assertTrue(e.getMessage().contains("rouge1, rouge2, rougeL, rougeLsum"), e.getMessage());
        assertEquals(RougeType.ROUGE_LSUM, RougeType.fromKey("rougeLsum"));
    }
}
