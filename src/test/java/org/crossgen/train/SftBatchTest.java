package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SftBatchTest {
    @Test
    void rightPadsAndLabelsOnlyTargetAndEos() {
        SftExample a = new SftExample(new long[] {1, 10, 11}, new long[] {20});      // 1 10 11 20 EOS
        SftExample b = new SftExample(new long[] {1, 12}, new long[] {21, 22, 23});  // 1 12 21 22 23 EOS
        SftBatch batch = SftBatch.collate(List.of(a, b), List.of(0, 1), 2, 0, 16);
        assertEquals(6, batch.length());
        assertArrayEquals(new long[] {1, 10, 11, 20, 2, 0, /**/ 1, 12, 21, 22, 23, 2}, batch.ids());
        long x = SftBatch.IGNORE;
        // position j holds the label of token j + 1; the prompt's last position predicts the first target token
        assertArrayEquals(new long[] {x, x, 20, 2, x, x, /**/ x, 21, 22, 23, 2, x}, batch.labels());
        assertArrayEquals(new long[] {2, 3, 7, 8, 9, 10}, batch.targetPositions());
        assertArrayEquals(new long[] {20, 2, 21, 22, 23, 2}, batch.targetIds());
        assertEquals(5 + 6, batch.realTokens());
    }

    @Test
    void rowsAreWhatCollatingTheirExamplesGives() {
        List<SftExample> ex = List.of(
                new SftExample(new long[] {1, 10, 11, 12}, new long[] {20, 21}),   // 7 tokens
                new SftExample(new long[] {1, 12}, new long[] {21, 22, 23}),       // 6
                new SftExample(new long[] {1, 13}, new long[] {24}),               // 4
                new SftExample(new long[] {1, 14, 15}, new long[] {25}));          // 5
        SftBatch whole = SftBatch.collate(ex, List.of(0, 1, 2, 3), 2, 0, 16);
        for (int[] r : new int[][] {{0, 4}, {0, 1}, {1, 3}, {2, 4}, {3, 4}}) {
            SftBatch part = whole.rows(r[0], r[1]), expected = SftBatch.collate(ex.subList(r[0], r[1]), List.of(), 2, 0, 16);
            String what = "rows " + r[0] + ".." + r[1];
            assertEquals(expected.length(), part.length(), what);
            assertArrayEquals(expected.ids(), part.ids(), what);
            assertArrayEquals(expected.labels(), part.labels(), what);
            assertArrayEquals(expected.targetPositions(), part.targetPositions(), what);
            assertArrayEquals(expected.targetIds(), part.targetIds(), what);
            assertEquals(expected.realTokens(), part.realTokens(), what);
        }
        SftBatch three = whole.rows(0, 3);   // 7, 6 and 4 tokens: 7 | 6 6 (12 padded tokens at most), not 7 7 | 4 (14)
        assertEquals(List.of(1, 2), three.blocks(2).stream().map(SftBatch::batch).toList());
        assertArrayEquals(whole.rows(1, 3).ids(), three.blocks(2).get(1).ids());
        assertThrows(IllegalArgumentException.class, () -> three.blocks(4));
        assertThrows(IllegalArgumentException.class, () -> whole.rows(2, 2));
    }

    @Test
    void blocksKeepTheLargestPaddedBlockSmall() {
        assertEquals(List.of(1, 3), blockRows(new int[] {10, 4, 4, 4}, 2));        // 10 | 12, not 20 | 8
        assertEquals(List.of(2, 2), blockRows(new int[] {5, 5, 5, 5}, 2));
        assertEquals(List.of(1, 2), blockRows(new int[] {5, 5, 5}, 2));            // the extra row last
        assertEquals(List.of(1, 1, 2), blockRows(new int[] {9, 8, 4, 3}, 3));      // 9 | 8 | 8
        assertEquals(List.of(4), blockRows(new int[] {9, 8, 4, 3}, 1));
        assertEquals(List.of(1, 1, 1, 1), blockRows(new int[] {9, 8, 4, 3}, 4));
    }

    /** Rows of the given lengths (prompt + target + EOS, one target token each) cut into blocks: rows per block. */
    private static List<Integer> blockRows(int[] lengths, int parts) {
        List<SftExample> ex = new java.util.ArrayList<>();
        for (int n : lengths) ex.add(new SftExample(new long[n - 2], new long[] {7}));
        SftBatch b = SftBatch.collate(ex, List.of(), 2, 0, 64);
        List<SftBatch> blocks = b.blocks(parts);
        assertEquals(lengths.length, blocks.stream().mapToInt(SftBatch::batch).sum());
        return blocks.stream().map(SftBatch::batch).toList();
    }

    @Test
    void refusesExampleLongerThanMaxLengthNamingIt() {
        SftExample ok = new SftExample(new long[] {1, 5}, new long[] {6});
        SftExample tooLong = new SftExample(new long[] {1, 5, 6, 7}, new long[] {8, 9});
        var e = assertThrows(IllegalArgumentException.class,
                () -> SftBatch.collate(List.of(ok, tooLong), List.of(3, 17), 2, 0, 6));
        assertEquals("training example 17 is 7 tokens (prompt 4 + target 2 + EOS), longer than max_length 6; "
                + "truncate it when tokenizing", e.getMessage());
    }

    @Test
    void dataHashDependsOnTokensAndSplit() {
        var x = List.of(new SftExample(new long[] {1, 5}, new long[] {6}));
        var y = List.of(new SftExample(new long[] {1}, new long[] {5, 6}));   // same tokens, other split
        assertEquals(SftExample.sha256(x), SftExample.sha256(List.of(new SftExample(new long[] {1, 5}, new long[] {6}))));
        org.junit.jupiter.api.Assertions.assertNotEquals(SftExample.sha256(x), SftExample.sha256(y));
    }

    /** Checkpoints store this hash, so its bytes are pinned: Python's hashlib over struct.pack('>q', ...) of each length and id. */
    @Test
    void dataHashIsSha256OfBigEndianLengthsAndIds() {
        var data = List.of(new SftExample(new long[] {1, 5}, new long[] {6}), new SftExample(new long[] {7}, new long[0]));
        assertEquals("e509824545ce9c54c802130d9e11d3598d358e802d438371996dd83f7ce2ea28", SftExample.sha256(data));
    }

    @Test
    void encodesLikeEvaluationSplitsContextAndContinuation() {
        try (org.crossgen.text.Tokenizer tok = org.crossgen.text.Tokenizer.mistral32k()) {
            var ex = new org.crossgen.prompt.TrainingExample("Review: great film.\nSentiment:", " positive");
            SftExample e = SftExample.encode(ex, tok);
            var ref = org.crossgen.text.ContinuationTokens.of(tok, ex.prompt(), ex.target());
            assertArrayEquals(ref.context(), e.promptIds());
            assertArrayEquals(ref.continuation(), e.targetIds());
            assertEquals(tok.bosId(), e.promptIds()[0]);
            assertEquals(" positive", tok.decode(e.targetIds()).startsWith(" ") ? tok.decode(e.targetIds()) : " " + tok.decode(e.targetIds()));
        }
    }
}
