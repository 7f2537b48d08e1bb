package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.zeros;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.crossgen.tensor.NativeScope;

/**
 * Keys and values of every layer for a batch being decoded, preallocated to a fixed capacity so a
 * decode step writes in place instead of concatenating. Owned by the caller; {@link #close} frees it.
 */
public final class KvCache implements AutoCloseable {
    private final Tensor[] keys;   // per layer (B, KVH, capacity, D)
    private final Tensor[] values;
    private final long capacity;
    private long length;

    public KvCache(LlamaModel model, long batch, long capacity) {
        LlamaConfig c = model.config();
        this.capacity = capacity;
        keys = new Tensor[c.numLayers()];
        values = new Tensor[c.numLayers()];
        try (NativeScope scope = NativeScope.open()) {
            TensorOptions opts = new TensorOptions(model.dtype().scalarType).device(new org.bytedeco.pytorch.DeviceOptional(model.device().device()));
            for (int i = 0; i < keys.length; i++) {
                keys[i] = scope.keep(zeros(new long[] {batch, c.numKvHeads(), capacity, c.headDim()}, opts));
                values[i] = scope.keep(zeros(new long[] {batch, c.numKvHeads(), capacity, c.headDim()}, opts));
            }
        }
    }

    /**
     * A cache for {@code batch} rows that starts with the tokens of {@code prefix} (a batch-1
     * cache) in every row: a prompt prefix shared by many requests is computed once and copied.
     */
    public static KvCache startingWith(KvCache prefix, LlamaModel model, long batch, long capacity) {
        if (prefix.keys[0].size(0) != 1) throw new IllegalArgumentException("a prefix cache holds one row, got " + prefix.keys[0].size(0));
        if (capacity < prefix.length) throw new IllegalArgumentException("capacity " + capacity + " < prefix length " + prefix.length);
        KvCache c = new KvCache(model, batch, capacity);
        try (NativeScope scope = NativeScope.open()) {
            for (int i = 0; i < c.keys.length; i++) {                  // (1, KVH, P, D) broadcast into (B, KVH, P, D)
                c.keys[i].narrow(2, 0, prefix.length).copy_(prefix.keys[i].narrow(2, 0, prefix.length));
                c.values[i].narrow(2, 0, prefix.length).copy_(prefix.values[i].narrow(2, 0, prefix.length));
            }
        }
        c.length = prefix.length;
        return c;
    }

    /** Tokens already cached (the position offset of the next forward call). */
    public long length() {
        return length;
    }

    /** Writes {@code k, v (B, KVH, T, D)} at the current length; returns all cached {@code (B, KVH, length+T, D)}. */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        long t = k.size(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " tokens > capacity " + capacity);
        }
        keys[layer].narrow(2, length, t).copy_(k);
        values[layer].narrow(2, length, t).copy_(v);
        return new Tensor[] {keys[layer].narrow(2, 0, length + t), values[layer].narrow(2, 0, length + t)};
    }

    void advance(long t) {
        length += t;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            NativeScope.release(keys[i]);
            NativeScope.release(values[i]);
        }
    }
}
