package org.crossgen.metrics;

import java.util.List;

/** Longest common subsequence of two token sequences, as rouge-score computes and reads it out. */
final class Lcs {
    private Lcs() {}

    /** Length of the LCS; O(|a|·|b|) time, O(|b|) memory. */
    static int length(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = a.get(i - 1).equals(b.get(j - 1))
                        ? prev[j - 1] + 1
                        : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }

    /**
     * Positions in {@code ref} of one LCS with {@code can}, ascending. Which LCS matters for
     * ROUGE-Lsum's union, so the read-out is rouge-score's: walk back from the end, take a match
     * when the tokens are equal, else step along {@code can} only when that keeps a strictly longer
     * LCS, otherwise along {@code ref}.
     */
    static int[] refIndices(List<String> ref, List<String> can) {
        int rows = ref.size();
        int cols = can.size();
        int[][] t = new int[rows + 1][cols + 1];   // t[i][j] = LCS of ref[:i], can[:j]
        for (int i = 1; i <= rows; i++) {
            for (int j = 1; j <= cols; j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1))
                        ? t[i - 1][j - 1] + 1
                        : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        int[] indices = new int[t[rows][cols]];
        int k = indices.length;
        int i = rows;
        int j = cols;
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                indices[--k] = i - 1;
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return indices;
    }
}
