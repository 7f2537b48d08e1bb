package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checkable BLEU and 13a tokenizer cases. */
class BleuTest {
    private static final double EPS = 1e-9;

    @Test
    void tokenizer13aSplitsPunctuationButNotNumbers() {
        assertEquals(List.of("Hello", ",", "world", "!", "!", "!"), Tokenizer13a.tokenize("Hello, world!!!"));
        assertEquals(List.of("The", "U", ".", "S", ".", "economy", "grew", "3.5", "%", "in", "Q2—faster", "."),
                Tokenizer13a.tokenize("The U.S. economy grew 3.5% in Q2—faster."));
        assertEquals(List.of("1,000,000", "people"), Tokenizer13a.tokenize("1,000,000 people"));
        // ' and - are not split off; a dash after a digit is.
        assertEquals(List.of("it's", "end-of-year", "(", "2024", "-", "25", ")"),
                Tokenizer13a.tokenize("it's end-of-year (2024-25)"));
    }

    @Test
    void tokenizer13aUnescapesEntitiesAndJoinsLines() {
        assertEquals(List.of("a", "&", "b", "\"", "c", "\""), Tokenizer13a.tokenize("a &amp; b &quot;c&quot;"));
        assertEquals(List.of("cooperate", "now"), Tokenizer13a.tokenize("co-\noperate\nnow"));
        // Python's str.split() separates at a no-break space; a zero-width space is not whitespace.
        assertEquals(List.of("a", "b", "c\u200bd"), Tokenizer13a.tokenize("a\u00a0b c\u200bd"));
    }

    @Test
    void sentenceBleuSmoothsMissingOrdersExponentially() {
        // hyp tokens: Hello , world ! ! !  ref: hello world (case-sensitive: only "world" matches)
        BleuScore s = Bleu.sentenceScore("Hello, world!!!", "hello world");
        assertEquals(List.of(1L, 0L, 0L, 0L), s.counts());
        assertEquals(List.of(6L, 5L, 4L, 3L), s.totals());
        // p1 = 100/6; unmatched orders get 100 / (2^k · total): 100/(2·5), 100/(4·4), 100/(8·3)
        double[] p = {100.0 / 6, 100.0 / 10, 100.0 / 16, 100.0 / 24};
        for (int n = 0; n < 4; n++) assertEquals(p[n], s.precisions().get(n), EPS, "precision " + (n + 1));
        assertEquals(Math.pow(p[0] * p[1] * p[2] * p[3], 0.25), s.score(), EPS);
        assertEquals(1.0, s.bp(), EPS);   // hypothesis (6) longer than reference (2)
    }

    @Test
    void brevityPenaltyIsExpOfOneMinusRefOverSys() {
        BleuScore s = Bleu.corpusScore(List.of("the cat sat on"), List.of("the cat sat on the mat"));
        assertEquals(List.of(4L, 3L, 2L, 1L), s.counts());   // every hypothesis n-gram matches
        assertEquals(Math.exp(1 - 6.0 / 4), s.bp(), EPS);
        assertEquals(100 * Math.exp(1 - 6.0 / 4), s.score(), EPS);
        assertEquals(4, s.sysLen());
        assertEquals(6, s.refLen());
    }

    @Test
    void effectiveOrderRescuesShortSentencesOnlyAtSentenceLevel() {
        // "a b" has no 3- or 4-grams: corpus BLEU takes log(0) for them, sentence BLEU stops at order 2.
        assertEquals(100.0, Bleu.sentenceScore("a b", "a b").score(), EPS);
        assertEquals(0.0, Bleu.corpusScore(List.of("a b"), List.of("a b")).score(), EPS);
    }

    @Test
    void corpusBleuSumsStatisticsOverSegments() {
        BleuScore s = Bleu.corpusScore(List.of("the cat sat on", "a dog"), List.of("the cat sat on the mat", "a dog"));
        assertEquals(List.of(6L, 4L, 2L, 1L), s.counts());
        assertEquals(List.of(6L, 4L, 2L, 1L), s.totals());
        assertEquals(6, s.sysLen());
        assertEquals(8, s.refLen());
        assertEquals(100 * Math.exp(1 - 8.0 / 6), s.score(), EPS);
    }

    @Test
    void emptyInputsScoreZeroWithoutFailing() {
        assertEquals(0.0, Bleu.sentenceScore("", "a reference").score());
        assertEquals(0.0, Bleu.sentenceScore("a hypothesis", "").score());
        BleuScore both = Bleu.sentenceScore("", "");
        assertEquals(0.0, both.score());
        assertEquals(1.0, both.bp());   // sys_len 0 is not shorter than ref_len 0
        assertEquals(0.0, Bleu.corpusScore(List.of(""), List.of("a")).bp());
    }

    @Test
    void signatureNamesTheSettings() {
        assertEquals("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.5.1+src",
                Bleu.corpusScore(List.of("a"), List.of("a")).signature());
        assertEquals("nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.5.1+src",
                Bleu.sentenceScore("a", "a").signature());
    }

    @Test
    void corpusNeedsOneReferencePerHypothesis() {
        assertThrows(IllegalArgumentException.class, () -> Bleu.corpusScore(List.of("a", "b"), List.of("a")));
    }
}
