package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.zeros;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;
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
    private Rows rows;             // the Java copy batch-1 decoding in Java reads (RowDecoder), made at its first step

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
        if (prefix.rows != null) prefix.rows.push();
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
        if (rows != null) rows.push();
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

    long batch() {
        return keys[0].size(0);
    }

    /** This batch-1 cache's Java copy, brought up to date by {@link Rows#pull}. */
    Rows rows(LlamaConfig c) {
        if (rows == null) rows = new Rows(c);
        return rows;
    }

    /**
     * The keys and values of a batch-1 cache as Java arrays, kept in step with the native cache:
     * positions that libtorch wrote (a prompt) are copied in, and the positions written here reach
     * the native cache before libtorch reads it, so either path can take the next step. The keys are
     * held transposed, per layer {@code (KVH, D, capacity)}, so that a query's scores over all positions
     * are whole-vector products with no horizontal sums; the values as the native cache holds
     * them, {@code (KVH, capacity, D)}. Floats for a float32 cache; for a bfloat16 one its very
     * bfloat16 values (shorts), which halves what attention reads and what the copy takes.
     */
    final class Rows {
        private final int kvHeads, headDim, cap;
        private final boolean bf16;
        private final float[][] k, v;             // float32 cache, else null
        private final short[][] kHalves, vHalves; // bfloat16 cache, else null
        private final Pointer[] nativeKeys, nativeValues;   // made once: the cache's tensors never move
        private int copied;         // positions already in the arrays
        private int unpushed = -1;  // the first position the native cache lacks (written by put), or -1

        private Rows(LlamaConfig c) {
            kvHeads = c.numKvHeads();
            headDim = c.headDim();
            cap = Math.toIntExact(capacity);
            bf16 = keys[0].scalar_type().intern() == org.bytedeco.pytorch.global.torch.ScalarType.BFloat16;
            int size = Math.multiplyExact(kvHeads * headDim, cap);
            k = bf16 ? null : new float[keys.length][size];
            v = bf16 ? null : new float[keys.length][size];
            kHalves = bf16 ? new short[keys.length][size] : null;
            vHalves = bf16 ? new short[keys.length][size] : null;
            nativeKeys = new Pointer[keys.length];
            nativeValues = new Pointer[keys.length];
            for (int l = 0; l < keys.length; l++) {
                nativeKeys[l] = bf16 ? new ShortPointer(keys[l].data_ptr()) : keys[l].data_ptr_float();
                nativeValues[l] = bf16 ? new ShortPointer(values[l].data_ptr()) : values[l].data_ptr_float();
            }
        }

        int length() {
            return (int) length;
        }

        /** Whether the arrays are bfloat16 ({@link #keyHalves}, {@link #valueHalves}) rather than float32. */
        boolean bf16() {
            return bf16;
        }

        float[] keys(int layer) {
            return k[layer];
        }

        float[] values(int layer) {
            return v[layer];
        }

        short[] keyHalves(int layer) {
            return kHalves[layer];
        }

        short[] valueHalves(int layer) {
            return vHalves[layer];
        }

        /** Index in the keys of dimension {@code d} of key head {@code head}, followed by its positions. */
        int keyRow(int head, int d) {
            return (head * headDim + d) * cap;
        }

        /** The distance in the keys from one dimension's positions to the next's (the capacity). */
        int keyStride() {
            return cap;
        }

        /** Index in the values of position {@code s} of value head {@code head}, followed by its {@code D} dimensions. */
        int valueAt(int head, int s) {
            return (head * cap + s) * headDim;
        }

        /** Copies the positions libtorch cached since the last step. */
        void pull() {
            int n = (int) length - copied;
            if (n <= 0) return;
            for (int l = 0; l < keys.length; l++) {
                for (int h = 0; h < kvHeads; h++) {
                    if (bf16) pullHalves(l, h, n);
                    else pullFloats(l, h, n);
                }
            }
            copied = (int) length;
        }

        /** {@code n} new positions of head {@code h} of layer {@code l}: the keys transposed, the values as they are. */
        private void pullFloats(int l, int h, int n) {
            int at = valueAt(h, copied);
            float[] part = new float[n * headDim];
            ((FloatPointer) nativeKeys[l]).position(at).get(part);
            for (int s = 0; s < n; s++) for (int d = 0; d < headDim; d++) k[l][keyRow(h, d) + copied + s] = part[s * headDim + d];
            ((FloatPointer) nativeValues[l]).position(at).get(v[l], at, part.length);
        }

        private void pullHalves(int l, int h, int n) {
            int at = valueAt(h, copied);
            short[] part = new short[n * headDim];
            ((ShortPointer) nativeKeys[l]).position(at).get(part);
            for (int s = 0; s < n; s++) for (int d = 0; d < headDim; d++) kHalves[l][keyRow(h, d) + copied + s] = part[s * headDim + d];
            ((ShortPointer) nativeValues[l]).position(at).get(vHalves[l], at, part.length);
        }

        /**
         * Writes position {@code s} of layer {@code layer}: the keys at {@code kv[kAt..]}, the values at
         * {@code kv[vAt..]}, each {@code (KVH, D)}; rounded to bfloat16 first when the cache holds that.
         * Into the arrays only: the native cache gets them at {@link #push}, before libtorch reads it
         * (writing each head's row through JNI at every step cost ~0.1 ms of a 2-5 ms step).
         */
        void put(int layer, int s, float[] kv, int kAt, int vAt) {
            if (unpushed < 0) unpushed = s;
            for (int h = 0; h < kvHeads; h++) {
                int at = valueAt(h, s), from = h * headDim;
                for (int d = 0; d < headDim; d++) {
                    if (bf16) {
                        kHalves[layer][keyRow(h, d) + s] = RowKernels.bfloat16(kv[kAt + from + d]);
                        vHalves[layer][at + d] = RowKernels.bfloat16(kv[vAt + from + d]);
                    } else {
                        k[layer][keyRow(h, d) + s] = kv[kAt + from + d];
                        v[layer][at + d] = kv[vAt + from + d];
                    }
                }
            }
        }

        /** Writes the positions only the arrays hold ({@link #put}) into the native cache. */
        void push() {
            if (unpushed < 0) return;
            int n = (int) length - unpushed;
            for (int l = 0; n > 0 && l < keys.length; l++) {
                for (int h = 0; h < kvHeads; h++) {
                    if (bf16) pushHalves(l, h, unpushed, n);
                    else pushFloats(l, h, unpushed, n);
                }
            }
            unpushed = -1;
        }

        /** Positions {@code [from, from + n)} of head {@code h} of layer {@code l}: the keys transposed back, the values as they are. */
        private void pushFloats(int l, int h, int from, int n) {
            int at = valueAt(h, from);
            float[] part = new float[n * headDim];
            for (int s = 0; s < n; s++) for (int d = 0; d < headDim; d++) part[s * headDim + d] = k[l][keyRow(h, d) + from + s];
            ((FloatPointer) nativeKeys[l]).position(at).put(part);
            ((FloatPointer) nativeValues[l]).position(at).put(v[l], at, part.length);
        }

        private void pushHalves(int l, int h, int from, int n) {
            int at = valueAt(h, from);
            short[] part = new short[n * headDim];
            for (int s = 0; s < n; s++) for (int d = 0; d < headDim; d++) part[s * headDim + d] = kHalves[l][keyRow(h, d) + from + s];
            ((ShortPointer) nativeKeys[l]).position(at).put(part);
            ((ShortPointer) nativeValues[l]).position(at).put(vHalves[l], at, part.length);
        }

        /** The token just written is cached. */
        void advance() {
            length++;
            copied = (int) length;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            NativeScope.release(keys[i]);
            NativeScope.release(values[i]);
        }
    }
}
