package org.crossgen.metrics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Longest common subsequence of two token sequences, as rouge-score computes and reads it out,
 * in memory linear in the text lengths.
 *
 * <p>rouge-score fills the whole table {@code t[i][j] = LCS(a[:i], b[:j])}; a pair of 60k-token
 * texts would need 14 GB. Here a table row is a bit vector (Crochemore et al., "A fast and
 * practical bit-vector algorithm for the longest common subsequence problem", 2001): bit
 * {@code j} of row {@code i} is 0 exactly when {@code t[i][j+1] = t[i][j] + 1}, so
 * {@code t[i][j]} is the number of zero bits below {@code j}, and one row follows from the one
 * before in {@code |b|/64} word operations. The length needs one row. The read-out walks the table
 * backwards from the last row; it keeps every {@code K}-th row ({@code K = sqrt(|a|)}) and
 * recomputes the {@code K} rows of one block at a time, so it stores about {@code 2 sqrt(|a|)}
 * rows and computes each row twice.
 */
final class Lcs {
    /**
     * Beyond this many token pairs ({@code |a|·|b|}) the LCS is refused. Two 60k-token texts
     * (3.6·10^9 pairs) take about 2 s for ROUGE-L and -Lsum together; 10^10 pairs (two texts of
     * 100k tokens) under 10 s; two 10 MB texts (~3·10^12) would take hours. No summary or
     * question comes near it.
     */
    static final long MAX_PAIRS = 10_000_000_000L;

    private Lcs() {}

    /** Refuses texts of {@code n} and {@code m} tokens whose LCS would compare more than {@link #MAX_PAIRS} token pairs. */
    static void requireFeasible(long n, long m) {
        if (n * m > MAX_PAIRS) {
            throw new IllegalArgumentException("texts of " + n + " and " + m + " tokens: ROUGE-L would compare " + n * m
                    + " token pairs, more than the limit of 10^10 (texts of about 100k tokens each)");
        }
    }

    /** Length of the LCS; O(|a|·|b|/64) time, O(|b|/64) memory. */
    static int length(List<String> a, List<String> b) {
        Columns cols = new Columns(a, b);
        long[] row = cols.firstRow();
        for (int[] positions : cols.rowPositions) step(row, positions);
        return zeros(row, b.size());
    }

    /**
     * Positions in {@code ref} of one LCS with {@code can}, ascending. Which LCS matters for
     * ROUGE-Lsum's union, so the read-out is rouge-score's: walk back from the end, take a match
     * when the tokens are equal, else step along {@code can} only when that keeps a strictly longer
     * LCS ({@code t[i][j-1] > t[i-1][j]}), otherwise along {@code ref}.
     */
    static int[] refIndices(List<String> ref, List<String> can) {
        int n = ref.size(), m = can.size();
        if (n == 0 || m == 0) return new int[0];
        Rows rows = new Rows(new Columns(ref, can), n);
        int[] r = rows.cols.rowIds, c = rows.cols.columnIds;
        int i = n, j = m;
        rows.load(i);
        long[] cur = rows.get(i), up = rows.get(i - 1);
        int here = zeros(cur, j), above = zeros(up, j);      // t[i][j], t[i-1][j]
        int[] indices = new int[here];
        int k = indices.length;
        while (i > 0 && j > 0) {
            if (r[i - 1] == c[j - 1]) {
                indices[--k] = i - 1;
                here = above - rise(up, j);                  // t[i-1][j-1]
                i--;
                j--;
            } else {
                int left = here - rise(cur, j);              // t[i][j-1]
                if (left > above) {
                    here = left;
                    above -= rise(up, j);
                    j--;
                    continue;
                }
                here = above;
                i--;
            }
            if (i > 0) {
                rows.load(i);
                cur = rows.get(i);
                up = rows.get(i - 1);
                above = zeros(up, j);
            }
        }
        return indices;
    }

    /** Tokens as ints: for each row token, the ascending columns that hold the same token (null: none). */
    private static final class Columns {
        final int[] rowIds, columnIds;
        final int[][] rowPositions;
        final int words;

        Columns(List<String> rows, List<String> columns) {
            requireFeasible(rows.size(), columns.size());
            Map<String, Integer> ids = new HashMap<>();
            columnIds = new int[columns.size()];
            for (int j = 0; j < columnIds.length; j++) columnIds[j] = ids.computeIfAbsent(columns.get(j), t -> ids.size());
            int[] count = new int[ids.size()];
            for (int id : columnIds) count[id]++;
            int[][] positions = new int[ids.size()][];
            for (int id = 0; id < positions.length; id++) positions[id] = new int[count[id]];
            Arrays.fill(count, 0);
            for (int j = 0; j < columnIds.length; j++) positions[columnIds[j]][count[columnIds[j]]++] = j;
            rowIds = new int[rows.size()];
            rowPositions = new int[rows.size()][];
            for (int i = 0; i < rowIds.length; i++) {
                Integer id = ids.get(rows.get(i));
                rowIds[i] = id == null ? -1 : id;
                rowPositions[i] = id == null ? null : positions[id];
            }
            words = (columns.size() + 63) >>> 6;
        }

        /** Row 0 of the table: LCS 0 everywhere, so no bit marks a rise. */
        long[] firstRow() {
            long[] row = new long[words];
            Arrays.fill(row, -1L);
            return row;
        }
    }

    /** Rows of the table on demand, walking from the last row to the first: checkpoints plus one recomputed block. */
    private static final class Rows {
        final Columns cols;
        final int block;             // K
        final long[][] checkpoints;  // row b*K at [b]
        final long[][] rows;         // rows first..first+K of the current block
        int first = -1;

        Rows(Columns cols, int n) {
            this.cols = cols;
            block = (int) Math.ceil(Math.sqrt(n + 1));
            checkpoints = new long[n / block + 1][];
            rows = new long[block + 1][];
            long[] row = cols.firstRow();
            checkpoints[0] = row.clone();
            for (int i = 1; i <= n; i++) {
                step(row, cols.rowPositions[i - 1]);
                if (i % block == 0) checkpoints[i / block] = row.clone();
            }
        }

        /**
         * Makes rows {@code i} and {@code i-1} available ({@code i >= 1}): the block starting at
         * {@code floor((i-1)/K)·K} holds both. The walk never goes back up, so each block is
         * computed once.
         */
        void load(int i) {
            int start = (i - 1) / block * block;
            if (start == first) return;
            first = start;
            int last = Math.min(start + block, cols.rowPositions.length);
            for (int r = start; r <= last; r++) {
                long[] row = rows[r - start] == null ? rows[r - start] = new long[cols.words] : rows[r - start];
                System.arraycopy(r == start ? checkpoints[start / block] : rows[r - start - 1], 0, row, 0, cols.words);
                if (r > start) step(row, cols.rowPositions[r - 1]);
            }
        }

        /** Row {@code i}, of the pair last {@link #load}ed; overwritten by the next load that changes block. */
        long[] get(int i) {
            return rows[i - first];
        }
    }

    /**
     * Advances {@code row} by one table row in place: {@code V' = (V + (V & M)) | (V & ~M)} over
     * multi-word integers, {@code M} the columns matching the row's token. Words before the first
     * match and after the last carry are unchanged, so they are skipped.
     */
    private static void step(long[] row, int[] matches) {
        if (matches == null) return; // M = 0: V' = V
        long carry = 0;
        int p = 0;
        for (int w = matches[0] >>> 6; w < row.length && (p < matches.length || carry != 0); w++) {
            long m = 0;
            while (p < matches.length && matches[p] >>> 6 == w) m |= 1L << (matches[p++] & 63);
            long v = row[w];
            long sum = v + (v & m);
            long out = sum + carry;
            carry = Long.compareUnsigned(sum, v) < 0 || (carry != 0 && out == 0) ? 1 : 0;
            row[w] = out | (v & ~m);
        }
    }

    /** {@code t[i][j]}: the zero bits of row {@code i} below column {@code j}. */
    private static int zeros(long[] row, int j) {
        int ones = 0;
        for (int w = 0; w < j >>> 6; w++) ones += Long.bitCount(row[w]);
        if ((j & 63) != 0) ones += Long.bitCount(row[j >>> 6] & ((1L << (j & 63)) - 1));
        return j - ones;
    }

    /** {@code t[i][j] - t[i][j-1]} (0 or 1) for {@code j >= 1}. */
    private static int rise(long[] row, int j) {
        return (int) (~row[(j - 1) >>> 6] >>> ((j - 1) & 63)) & 1;
    }
}
