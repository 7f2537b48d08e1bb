package org.crossgen.infer;

import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.ComputeDevice;

/**
 * Prompts of different lengths aligned to the right, as batched generation needs (every row's
 * next token is at the same column). Pads get position 0 and are never attended to. The prompts
 * may follow a shared prefix already in the cache: a row's keys are then
 * {@code [prefix | pads | prompt | generated]}, and positions continue after the prefix.
 *
 * <p>The masks let a pad query attend to itself only: a fully masked row would make SDPA produce
 * NaN, which then leaks into real rows through the values of masked keys (0 × NaN = NaN).
 */
final class LeftPaddedBatch {
    final int batch;
    final int prefix;            // tokens already cached before the prompts
    final int promptWidth;       // P: the longest prompt
    final int capacity;          // prefix + P + max new tokens
    final int[] padCount;        // per row
    private final boolean[] valid; // (B, capacity) row-major: key j of row b holds a real token
    private final long[] lastPosition;

    LeftPaddedBatch(List<long[]> prompts, int maxNewTokens) {
        this(prompts, 0, maxNewTokens);
    }

    /** @param prompts each row's tokens after the {@code prefix} cached ones */
    LeftPaddedBatch(List<long[]> prompts, int prefix, int maxNewTokens) {
        batch = prompts.size();
        this.prefix = prefix;
        promptWidth = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (promptWidth == 0) throw new IllegalArgumentException("every prompt needs at least one token (BOS)");
        capacity = prefix + promptWidth + maxNewTokens;
        padCount = new int[batch];
        valid = new boolean[batch * capacity];
        lastPosition = new long[batch];
        for (int b = 0; b < batch; b++) {
            int len = prompts.get(b).length;
            if (len == 0) throw new IllegalArgumentException("prompt " + b + " is empty; every prompt needs at least one token (BOS)");
            padCount[b] = promptWidth - len;
            for (int j = 0; j < capacity; j++) valid[b * capacity + j] = j < prefix || j >= prefix + padCount[b];
            lastPosition[b] = prefix + len - 1;
        }
    }

    boolean hasPadding() {
        for (int p : padCount) if (p > 0) return true;
        return false;
    }

    /** The prefill needs a mask unless it is plain causal attention from position 0. */
    boolean prefillNeedsMask() {
        return prefix > 0 || hasPadding();
    }

    /** (B, P) int64 ids, pads filled with {@code padId}. */
    Tensor ids(List<long[]> prompts, long padId, ComputeDevice device) {
        long[] ids = new long[batch * promptWidth];
        for (int b = 0; b < batch; b++) {
            long[] p = prompts.get(b);
            for (int j = 0; j < promptWidth; j++) ids[b * promptWidth + j] = j < padCount[b] ? padId : p[j - padCount[b]];
        }
        return Tensor.create(ids, batch, promptWidth).to(device.device(), org.bytedeco.pytorch.global.torch.ScalarType.Long);
    }

    /** (B, P) positions counting real tokens only, after the prefix; pads get 0. */
    Tensor prefillPositions(ComputeDevice device) {
        long[] pos = new long[batch * promptWidth];
        for (int b = 0; b < batch; b++) {
            for (int j = padCount[b]; j < promptWidth; j++) pos[b * promptWidth + j] = prefix + j - padCount[b];
        }
        return Tensor.create(pos, batch, promptWidth).to(device.device(), org.bytedeco.pytorch.global.torch.ScalarType.Long);
    }

    /** (B, 1, P, prefix + P) prefill mask: causal, real keys only, plus each query's own position. */
    Tensor prefillMask(ComputeDevice device) {
        int p = promptWidth, keys = prefix + promptWidth;
        boolean[] m = new boolean[batch * p * keys];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < p; i++) {
                int self = prefix + i;
                for (int j = 0; j <= self; j++) m[(b * p + i) * keys + j] = j == self || valid[b * capacity + j];
            }
        }
        return Tensor.create(m, batch, 1, p, keys).to(device.device(), org.bytedeco.pytorch.global.torch.ScalarType.Bool);
    }

    /** (B, 1) positions of the token decoded at step {@code step} (0 = first generated token). */
    Tensor decodePositions(int step, ComputeDevice device) {
        long[] pos = new long[batch];
        for (int b = 0; b < batch; b++) pos[b] = decodePosition(b, step);
        return Tensor.create(pos, batch, 1).to(device.device(), org.bytedeco.pytorch.global.torch.ScalarType.Long);
    }

    /** The position of row {@code row}'s token decoded at step {@code step}. */
    long decodePosition(int row, int step) {
        return lastPosition[row] + 1 + step;
    }

    /** (B, 1, 1, S) decode mask over the {@code S} keys cached after this step. */
    Tensor decodeMask(int keys, ComputeDevice device) {
        boolean[] m = new boolean[batch * keys];
        for (int b = 0; b < batch; b++) System.arraycopy(valid, b * capacity, m, b * keys, keys);
        return Tensor.create(m, batch, 1, 1, keys).to(device.device(), org.bytedeco.pytorch.global.torch.ScalarType.Bool);
    }
}
