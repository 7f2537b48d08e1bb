package org.crossgen.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.llama.KvCache;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched greedy decoding with a KV cache. Prompts are left-padded with per-token positions and
 * masks, so a prompt decodes to the same tokens alone or in any batch.
 */
public final class GreedyGenerator {
    private static final Logger log = LoggerFactory.getLogger(GreedyGenerator.class);
    private final LlamaModel model;
    private final Set<Long> eosIds;
    private final long padId;
    private java.util.function.IntConsumer steps = n -> {};

    /**
     * @param eosIds tokens that end a sequence (not included in the output); empty to ignore EOS
     * @param padId  token fed for padding (never attended to)
     */
    public GreedyGenerator(LlamaModel model, Set<Long> eosIds, long padId) {
        this.model = model;
        this.eosIds = Set.copyOf(eosIds);
        this.padId = padId;
    }

    /** Receives the number of decoding steps done after each step (a progress bar for long generations). */
    public GreedyGenerator onStep(java.util.function.IntConsumer listener) {
        this.steps = listener;
        return this;
    }

    /**
     * Generates up to {@code maxNewTokens} per prompt. A sequence ends at an EOS token (dropped)
     * or when {@code stop} says so (the last token is kept; the caller trims the text).
     *
     * @return the generated ids of each prompt, prompt excluded, in input order
     */
    public List<long[]> generate(List<long[]> prompts, int maxNewTokens, StopCondition stop) {
        return generate(prompts, maxNewTokens, stop, null);
    }

    /**
     * As {@link #generate(List, int, StopCondition)}, every prompt starting with {@code prefix}
     * (or null: none), whose keys and values are copied from its cache instead of recomputed.
     */
    public List<long[]> generate(List<long[]> prompts, int maxNewTokens, StopCondition stop, SharedPrefix prefix) {
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        maxNewTokens = withinPositions(prompts, maxNewTokens);
        int n = prompts.size();
        List<long[]> out = new ArrayList<>();
        long[][] generated = new long[n][maxNewTokens];
        int[] length = new int[n];
        boolean[] done = new boolean[n];
        if (maxNewTokens == 0 || n == 0) {
            for (int b = 0; b < n; b++) out.add(new long[0]);
            return out;
        }
        List<long[]> rest = prefix == null ? prompts : prompts.stream().map(prefix::strip).toList();
        LeftPaddedBatch batch = new LeftPaddedBatch(rest, prefix == null ? 0 : prefix.length(), maxNewTokens);
        var device = model.device();
        try (NativeScope outer = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard();
             KvCache cache = prefix == null ? new KvCache(model, n, batch.capacity) : prefix.cacheFor(model, n, batch.capacity)) {
            long[] next;
            try (NativeScope step = NativeScope.open()) {
                Tensor mask = batch.prefillNeedsMask() ? batch.prefillMask(device) : null;
                Tensor h = model.hidden(batch.ids(rest, padId, device), batch.prefillPositions(device), mask, cache); // (B, P, C)
                next = argmaxLast(h.narrow(1, batch.promptWidth - 1, 1));
            }
            for (int s = 0; s < maxNewTokens; s++) {
                boolean all = true;
                for (int b = 0; b < n; b++) {
                    if (done[b]) continue;
                    if (eosIds.contains(next[b])) {
                        done[b] = true;
                        continue;
                    }
                    generated[b][length[b]++] = next[b];
                    if (stop.isDone(Arrays.copyOf(generated[b], length[b]))) done[b] = true;
                    all &= done[b];
                }
                steps.accept(s + 1);
                if (all || s == maxNewTokens - 1) break;
                long[] row = n == 1 ? rowStep(next[0], batch.decodePosition(0, s), cache) : null;
                if (row != null) next = row;
                else try (NativeScope step = NativeScope.open()) {
                    long[] feed = new long[n];
                    for (int b = 0; b < n; b++) feed[b] = done[b] ? padId : next[b];
                    Tensor ids = Tensor.create(feed, n, 1).to(device.device(), org.bytedeco.pytorch.global.torch.ScalarType.Long);
                    Tensor mask = batch.hasPadding() ? batch.decodeMask((int) cache.length() + 1, device) : null;
                    next = argmax(model.forward(ids, batch.decodePositions(s, device), mask, cache).select(1, 0)); // (B, V)
                }
            }
        }
        for (int b = 0; b < n; b++) out.add(Arrays.copyOf(generated[b], length[b]));
        return out;
    }

    /**
     * {@code maxNewTokens}, or fewer when the longest prompt plus them would pass the model's
     * {@code max_position_embeddings}: positions beyond it were never trained (and a request for
     * a million tokens must not allocate for a million), so generation stops there, with a note.
     */
    private int withinPositions(List<long[]> prompts, int maxNewTokens) {
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        int room = Math.max(0, model.config().maxPositions() - longest);
        if (maxNewTokens <= room) return maxNewTokens;
        log.warn("generating at most {} new tokens, not {}: the model's max_position_embeddings is {} and the longest prompt "
                + "has {} tokens", room, maxNewTokens, model.config().maxPositions(), longest);
        return room;
    }

    /**
     * A batch-1 step in Java ({@link LlamaModel#rowDecoderLogits}), its argmax taken from the
     * decoder's array; null, nothing done, where that decoder does not take the step.
     */
    private long[] rowStep(long token, long position, KvCache cache) {
        float[] logits = model.rowDecoderLogits(token, position, cache);
        if (logits == null) return null;
        NanLogits.check(logits);
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;   // the first of equal maxima, as libtorch's max
        return new long[] {best};
    }

    /** argmax over the vocabulary of the logits of hidden states {@code (B, 1, C)}. */
    private long[] argmaxLast(Tensor lastHidden) {
        return argmax(model.logits(lastHidden.select(1, 0)));
    }

    /** argmax of logits {@code (B, V)}. */
    private static long[] argmax(Tensor logits) {
        T_TensorTensor_T best = logits.max(1, false);                  // max, not argmax: a NaN logit shows in the value
        NanLogits.check(Tensors.toFloats(best.get0()));
        return Tensors.toLongs(best.get1());
    }
}
