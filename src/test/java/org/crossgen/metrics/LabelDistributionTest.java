package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelDistributionTest {
    private static final List<String> SENTIMENT = List.of("positive", "negative");

    @Test
    void countsPredictionsAndGoldPerLabelWithBothBaselines() {
        // 5 records: 3 positive, 1 negative, 1 unlabelled; the model says positive 4 times, negative once
        List<String> gold = List.of("positive", "positive", "negative", "-", "positive");
        List<String> pred = List.of("positive", "negative", "positive", "positive", "positive");
        LabelDistribution d = LabelDistribution.of(SENTIMENT, gold, pred);
        assertEquals(Map.of("positive", 4, "negative", 1), d.predicted());
        assertEquals(List.of("positive", "negative", "-"), List.copyOf(d.reference().keySet())); // task order, then others
        assertEquals(Map.of("positive", 3, "negative", 1, "-", 1), d.reference());
        assertEquals(3.0 / 5, d.majorityAccuracy(), 1e-12);            // always "positive": 3 of 5 right
        assertEquals(4.0 / (5 * 2), d.chanceAccuracy(), 1e-12);        // 4 labelled records, each right with p = 1/2
        assertEquals("positive", d.dominantLabel());
        assertEquals(4.0 / 5, d.dominantShare(), 1e-12);
        assertFalse(d.degenerate());
    }

    @Test
    void oneLabelAboveNinetyFivePercentIsDegenerateAndExactlyNinetyFiveIsNot() {
        List<String> gold = Collections.nCopies(20, "negative");
        List<String> nineteen = new ArrayList<>(Collections.nCopies(19, "positive"));
        nineteen.add("negative");
        LabelDistribution at95 = LabelDistribution.of(SENTIMENT, gold, nineteen);
        assertEquals(0.95, at95.dominantShare(), 1e-12);
        assertFalse(at95.degenerate(), "19 of 20 is 95%, not more");
        LabelDistribution all = LabelDistribution.of(SENTIMENT, gold, Collections.nCopies(20, "positive"));
        assertTrue(all.degenerate());
        assertEquals(Map.of("positive", 20, "negative", 0), all.predicted()); // a label never predicted still counts 0
        assertEquals(1.0, all.majorityAccuracy(), 1e-12);
    }

    @Test
    void poolingAddsCountsOfSeeds() {
        LabelDistribution a = LabelDistribution.of(SENTIMENT, List.of("positive", "negative"), List.of("positive", "positive"));
        LabelDistribution b = LabelDistribution.of(SENTIMENT, List.of("positive", "negative"), List.of("positive", "negative"));
        LabelDistribution p = LabelDistribution.pooled(List.of(a, b));
        assertEquals(Map.of("positive", 3, "negative", 1), p.predicted());
        assertEquals(0.75, p.dominantShare(), 1e-12);
        assertEquals(0.5, p.majorityAccuracy(), 1e-12);
    }
}
