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
     * {@link #collate} makes of those rows' examples. A row's length is its last target position + 2,
     * since every row ends with a target EOS.
     */
    SftBatch rows(int from, int to) {
        if (from < 0 || to > batch || from >= to) throw new IllegalArgumentException("rows [" + from + ", " + to + ") of " + batch);
        int k0 = 0;
        while (targetPositions[k0] < (long) from * length) k0++;
        int k1 = k0;
        while (k1 < targetPositions.length && targetPositions[k1] < (long) to * length) k1++;
        int[] rowLength = new int[to - from];
        for (int k = k0; k < k1; k++) {
            int i = (int) (targetPositions[k] / length) - from, j = (int) (targetPositions[k] % length);
            rowLength[i] = Math.max(rowLength[i], j + 2);
        }
        int t = Arrays.stream(rowLength).max().orElseThrow();
        int b = to - from;
        long[] subIds = new long[b * t], subLabels = new long[b * t];
        long real = 0;
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids, (from + i) * length, subIds, i * t, t);
            System.arraycopy(labels, (from + i) * length, subLabels, i * t, t);
            real += rowLength[i];
        }
        long[] positions = new long[k1 - k0], subTargets = Arrays.copyOfRange(targetIds, k0, k1);
        for (int k = k0; k < k1; k++) {
            long i = targetPositions[k] / length - from, j = targetPositions[k] % length;
            positions[k - k0] = i * t + j;
        }
        return new SftBatch(subIds, subLabels, b, t, positions, subTargets, real);
    }

    /** The rows cut into {@code parts} contiguous blocks as even as can be, the extra rows in the last blocks. */
    List<SftBatch> blocks(int parts) {
        if (parts < 1 || parts > batch) throw new IllegalArgumentException(parts + " blocks of " + batch + " rows");
        List<SftBatch> out = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = batch * p / parts, to = batch * (p + 1) / parts;
            out.add(rows(from, to));
        }
        return out;
    }
}
