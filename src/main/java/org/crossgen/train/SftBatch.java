package org.crossgen.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A right-padded micro-batch of {@link SftExample}s as flat arrays, ready to become tensors.
 * Row {@code i} reads {@code prompt + target + EOS} then padding; the label of position {@code j}
 * is the token at {@code j + 1} when that token belongs to {@code target + EOS}, else -100.
 * Right padding with causal attention leaves every real position's logits unchanged.
 *
 * @param ids             (B * T) token ids, row-major
 * @param labels          (B * T) next-token labels, -100 where no loss is taken (prompt, last position, padding)
 * @param batch           B
 * @param length          T, the longest example in the batch
 * @param targetPositions flat indices {@code i * T + j} with a label, ascending
 * @param targetIds       the labels at {@link #targetPositions}
 * @param realTokens      tokens that are not padding
 */
record SftBatch(long[] ids, long[] labels, int batch, int length, long[] targetPositions, long[] targetIds, long realTokens) {
    static final long IGNORE = -100;

    /** Collates {@code examples}; refuses (naming the example) one longer than {@code maxLength}. */
    static SftBatch collate(List<SftExample> examples, List<Integer> indices, long eosId, long padId, int maxLength) {
        int b = examples.size();
        int t = 0;
        for (int i = 0; i < b; i++) {
            SftExample e = examples.get(i);
            if (e.length() > maxLength) {
                throw new IllegalArgumentException("training example " + indices.get(i) + " is " + e.length()
                        + " tokens (prompt " + e.promptIds().length + " + target " + e.targetIds().length + " + EOS), longer than "
                        + "max_length " + maxLength + "; truncate it when tokenizing");
            }
            t = Math.max(t, e.length());
        }
        long[] ids = new long[b * t];
        long[] labels = new long[b * t];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, IGNORE);
        int targets = 0;
        long real = 0;
        for (SftExample e : examples) targets += e.targetIds().length + 1;
        long[] positions = new long[targets], targetIds = new long[targets];
        int k = 0;
        for (int i = 0; i < b; i++) {
            SftExample e = examples.get(i);
            int p = e.promptIds().length, n = e.length();
            real += n;
            long[] row = new long[n];
            System.arraycopy(e.promptIds(), 0, row, 0, p);
            System.arraycopy(e.targetIds(), 0, row, p, e.targetIds().length);
            row[n - 1] = eosId;
            System.arraycopy(row, 0, ids, i * t, n);
            for (int j = p - 1; j < n - 1; j++) {   // position j predicts row[j + 1], a target token
                labels[i * t + j] = row[j + 1];
                positions[k] = (long) i * t + j;
                targetIds[k++] = row[j + 1];
            }
        }
        return new SftBatch(ids, labels, b, t, positions, targetIds, real);
    }

    int targetTokens() {
        return targetIds.length;
    }

    /**
     * Rows {@code [from, to)} as a batch of their own, padded only to the longest of them: what
     * {@link #collate} makes of those rows' examples.
     */
    SftBatch rows(int from, int to) {
        return rows(from, to, rowLengths());
    }

    /** {@link #rows(int, int)} given every row's length ({@link #rowLengths}). */
    private SftBatch rows(int from, int to, int[] lengths) {
        if (from < 0 || to > batch || from >= to) throw new IllegalArgumentException("rows [" + from + ", " + to + ") of " + batch);
        int[] rowLength = Arrays.copyOfRange(lengths, from, to);
        int t = Arrays.stream(rowLength).max().orElseThrow();
        int b = to - from;
        long[] subIds = new long[b * t], subLabels = new long[b * t];
        long real = 0;
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids, (from + i) * length, subIds, i * t, t);
            System.arraycopy(labels, (from + i) * length, subLabels, i * t, t);
            real += rowLength[i];
        }
        int k0 = 0;
        while (targetPositions[k0] < (long) from * length) k0++;
        int k1 = k0;
        while (k1 < targetPositions.length && targetPositions[k1] < (long) to * length) k1++;
        long[] positions = new long[k1 - k0], subTargets = Arrays.copyOfRange(targetIds, k0, k1);
        for (int k = k0; k < k1; k++) {
            long i = targetPositions[k] / length - from, j = targetPositions[k] % length;
            positions[k - k0] = i * t + j;
        }
        return new SftBatch(subIds, subLabels, b, t, positions, subTargets, real);
    }

    /** Each row's length without padding: its last target position + 2, since every row ends with a target EOS. */
    private int[] rowLengths() {
        int[] out = new int[batch];
        for (long p : targetPositions) out[(int) (p / length)] = Math.max(out[(int) (p / length)], (int) (p % length) + 2);
        return out;
    }

    /**
     * The rows cut into {@code parts} contiguous blocks whose largest padded size (rows x longest row) is
     * as small as can be, since the blocks run side by side and the largest one sets the time: rows of
     * 10, 4, 4 and 4 tokens go to blocks of one and three rows (10 and 12 padded tokens), not two and two
     * (20 and 8). Ties go to the later blocks: rows of one length leave the extra rows to the last blocks.
     */
    List<SftBatch> blocks(int parts) {
        if (parts < 1 || parts > batch) throw new IllegalArgumentException(parts + " blocks of " + batch + " rows");
        int[] len = rowLengths();
        // worst[k][i]: the least largest block over cuts of the first i rows into k blocks; cut[k][i]: where its last block starts
        long[][] worst = new long[parts + 1][batch + 1];
        int[][] cut = new int[parts + 1][batch + 1];
        for (long[] w : worst) Arrays.fill(w, Long.MAX_VALUE);
        worst[0][0] = 0;
        for (int k = 1; k <= parts; k++) {
            for (int i = k; i <= batch - (parts - k); i++) {
                int longest = 0;
                for (int j = i - 1; j >= k - 1; j--) {   // last block: rows [j, i)
                    longest = Math.max(longest, len[j]);
                    long w = Math.max(worst[k - 1][j], (long) (i - j) * longest);
                    if (worst[k - 1][j] != Long.MAX_VALUE && w <= worst[k][i]) {
                        worst[k][i] = w;
                        cut[k][i] = j;
                    }
                }
            }
        }
        List<SftBatch> out = new ArrayList<>();
        for (int k = parts, i = batch; k >= 1; i = cut[k][i], k--) out.add(0, rows(cut[k][i], i, len));
        return out;
    }
}
