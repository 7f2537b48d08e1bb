package org.crossgen.infer;

import static org.bytedeco.pytorch.global.torch.arange;
import static org.bytedeco.pytorch.global.torch.ones;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.model.llama.KvCache;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;

/**
 * The token prefix every request of a call shares (a few-shot cell's instruction and
 * demonstrations), run through the model once: its keys and values seed each batch's KV cache,
 * so only the rest of each prompt is computed. Under causal attention a prefix's keys and values
 * do not depend on what follows, so the results are those of the full prompts, up to kernel
 * rounding (GEMMs of another height). Owns its cache; {@link #close} frees it.
 */
public final class SharedPrefix implements AutoCloseable {
    private final long[] tokens;
    private final KvCache cache;

    private SharedPrefix(long[] tokens, KvCache cache) {
        this.tokens = tokens;
        this.cache = cache;
    }

    /** The length of the longest prefix all {@code rows} share that leaves at least {@code keep} tokens of each. */
    public static int commonLength(List<long[]> rows, int keep) {
        if (rows.isEmpty()) return 0;
        long[] first = rows.get(0);
        int n = first.length;
        for (long[] r : rows) {
            n = Math.min(n, r.length - keep);
            for (int i = 0; i < n; i++) {
                if (r[i] != first[i]) {
                    n = i;
                    break;
                }
            }
        }
        return Math.max(0, n);
    }

    /** Runs {@code tokens} (starting at position 0) through {@code model} and keeps their keys and values. */
    public static SharedPrefix compute(LlamaModel model, long[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("an empty prefix");
        KvCache cache = new KvCache(model, 1, tokens.length);
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensor.create(tokens, 1, tokens.length).to(model.device().device(), ScalarType.Long);
            model.hidden(ids, Tensors.positions(1, tokens.length).to(model.device().device(), ScalarType.Long), null, cache);
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
        return new SharedPrefix(tokens.clone(), cache);
    }

    public int length() {
        return tokens.length;
    }

    /** {@code row} without the prefix; every row passed here must start with it. */
    long[] strip(long[] row) {
        if (row.length < tokens.length || !Arrays.equals(row, 0, tokens.length, tokens, 0, tokens.length)) {
            throw new IllegalArgumentException("a row of " + row.length + " tokens does not start with the shared prefix of "
                    + tokens.length + " tokens");
        }
        return Arrays.copyOfRange(row, tokens.length, row.length);
    }

    /** A KV cache for {@code batch} rows holding the prefix, with room for {@code capacity} tokens (prefix included). */
    KvCache cacheFor(LlamaModel model, long batch, long capacity) {
        return KvCache.startingWith(cache, model, batch, capacity);
    }

    /**
     * Final-norm hidden states {@code (B, T, C)} of right-padded rows {@code ids (B, T)} that
     * follow the prefix: positions continue after it, and each token attends to the prefix and to
     * its own row's earlier tokens (pads come after a row's tokens, so they are never attended).
     */
    Tensor hiddenAfter(LlamaModel model, Tensor ids) {
        long b = ids.size(0), t = ids.size(1), p = tokens.length;
        var dev = model.device().device();
        try (KvCache batchCache = cacheFor(model, b, p + t)) {
            Tensor positions = arange(new Scalar(p), new Scalar(p + t), new TensorOptions(ScalarType.Long)).unsqueeze(0).expand(b, t);
            // query i (position p + i) sees keys 0..p+i: the causal mask shifted right by the prefix
            Tensor mask = ones(new long[] {t, p + t}, new TensorOptions(ScalarType.Bool)).tril(p).view(1, 1, t, p + t);
            return model.hidden(ids.to(dev, ScalarType.Long), positions.to(dev, ScalarType.Long), mask.to(dev, ScalarType.Bool),
                    batchCache);
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
