package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checkable chrF cases (β = 2, character orders 1..6, effective order). */
class ChrfTest {
    private static final double EPS = 1e-9;

    @Test
    void identicalTextScores100OverTheOrdersItHas() {
        assertEquals(100.0, Chrf.sentenceScore("ab", "ab").score(), EPS);  // orders 1 and 2 only
    }

    @Test
    void averagesPrecisionAndRecallOverEffectiveOrders() {
        // order 1: {a,b} vs {a,c}: P = R = 1/2; order 2: "ab" vs "ac": P = R = 0.
        // mean P = mean R = 1/4; F2 = (1 + 4)·P·R / (4·P + R) = (5/16) / (5/4) = 1/4.
        assertEquals(25.0, Chrf.sentenceScore("ab", "ac").score(), EPS);
    }

    @Test
    void ignoresWhitespace() {
        assertEquals(100.0, Chrf.sentenceScore("a b\tc", "abc").score(), EPS);
    }

    @Test
    void corpusChrfPoolsStatisticsBeforeAveraging() {
        // Pooled order 1: hyp 4, ref 4, match 3; order 2: hyp 2, ref 2, match 1 -> P = R = (3/4 + 1/2) / 2.
        double p = (3.0 / 4 + 1.0 / 2) / 2;
        assertEquals(100 * p, Chrf.corpusScore(List.of("ab", "ab"), List.of("ab", "ac")).score(), EPS);
    }

    @Test
    void emptyInputsScoreZero() {
        assertEquals(0.0, Chrf.sentenceScore("", "abc").score());
        assertEquals(0.0, Chrf.sentenceScore("abc", "").score());
        assertEquals(0.0, Chrf.sentenceScore("", "").score());
    }

    @Test
    void signatureMatchesSacrebleuDefaults() {
        assertEquals("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.5.1+src",
                Chrf.sentenceScore("a", "a").signature());
    }
}
