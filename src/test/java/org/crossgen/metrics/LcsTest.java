package org.crossgen.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bit-vector LCS against rouge-score's own algorithm, written out as it is in
 * {@code rouge_scorer._lcs_table} and {@code _backtrack_norec} (full table, walk back): same
 * length and the same reference positions, on random texts over small alphabets (many ties, so
 * the tie-breaking is exercised) across 64-bit word boundaries and checkpoint blocks.
 */
class LcsTest {
    /** rouge-score's table and read-out, kept here as the reference. */
    static int[] referenceIndices(List<String> ref, List<String> can) {
        int rows = ref.size(), cols = can.size();
        int[][] t = new int[rows + 1][cols + 1];
        for (int i = 1; i <= rows; i++) {
            for (int j = 1; j <= cols; j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        List<Integer> lcs = new ArrayList<>();
        int i = rows, j = cols;
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                lcs.add(0, i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return lcs.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<String> random(Random rnd, int length, int alphabet) {
        List<String> out = new ArrayList<>(length);
        for (int k = 0; k < length; k++) out.add(Character.toString('a' + rnd.nextInt(alphabet)));
        return out;
    }

    @Test
    void sameLengthAndPositionsAsTheFullTable() {
        Random rnd = new Random(20240607);
        for (int trial = 0; trial < 3000; trial++) {
            List<String> ref = random(rnd, rnd.nextInt(trial % 10 == 0 ? 300 : 70), 1 + rnd.nextInt(6));
            List<String> can = random(rnd, rnd.nextInt(trial % 7 == 0 ? 300 : 70), 1 + rnd.nextInt(6));
            int[] want = referenceIndices(ref, can);
            String what = "trial " + trial + ": ref " + ref + " can " + can;
            assertEquals(want.length, Lcs.length(ref, can), what);
            assertEquals(want.length, Lcs.length(can, ref), what);
            assertArrayEquals(want, Lcs.refIndices(ref, can), what);
        }
    }

    @Test
    void wordBoundariesAndEdges() {
        List<String> as = new ArrayList<>();
        for (int n : new int[] {0, 1, 63, 64, 65, 127, 128, 129}) {
            as.clear();
            for (int k = 0; k < n; k++) as.add("a");
            assertEquals(n, Lcs.length(as, as));
            assertArrayEquals(referenceIndices(as, as), Lcs.refIndices(as, as));
            List<String> shifted = new ArrayList<>(as);
            shifted.add(0, "b");
            assertArrayEquals(referenceIndices(as, shifted), Lcs.refIndices(as, shifted));
            assertArrayEquals(referenceIndices(shifted, as), Lcs.refIndices(shifted, as));
        }
        assertEquals(0, Lcs.length(List.of("a"), List.of("b")));
        assertArrayEquals(new int[0], Lcs.refIndices(List.of(), List.of("a")));
    }
}
