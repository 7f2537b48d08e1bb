package org.crossgen.model.llama;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector products over Java arrays with the JDK's vector API, the rows split over this
 * process's intra-op threads, which spin between products and park when idle; attention splits its
 * heads over them the same way ({@link #parallel}). Batch-1 decoding calls one product after another
 * with a few microseconds of other work between them; libtorch puts its OpenMP threads to sleep and
 * wakes them for every op, and that, not the arithmetic, was most of a token (docs/engine.md,
 * Decoding). Loaded only where {@link RowDecoder#supported} says the module is there and the
 * optimizing compiler runs it.
 */
final class RowKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    /** As many shorts as {@link #F} has floats: a vector of bfloat16 values that widens to one of floats. */
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(F.vectorBitSize() / 2));
    /**
     * How long a helper spins for the next product before it parks. Longer than the gap between a
     * token's last product (the head) and the next token's first, 150-250 µs on the bench's shape (argmax,
     * the generator, the weights' version check): at 200 µs the helper parked once per token and took
     * 70-600 µs to wake.
     */
    private static final long SPIN_NANOS = 2_000_000;

    /**
     * A weight {@code (rows, in)}: float32 row-major, or bfloat16 packed two to an int, each row's
     * element {@code j} in the low half and {@code j + in/2} in the high one, so the products read the
     * input's two halves as they lie.
     */
    record Weight(int rows, int in, float[] f32, int[] bf16) {
        /**
         * bfloat16 values {@code (rows, in)}, row-major ({@code in} even), packed as the products read
         * them into {@code packed} from {@code at}; returns the index after the last int written.
         */
        static int pack(short[] values, int in, int[] packed, int at) {
            int half = in / 2;
            for (int row = 0; row < values.length; row += in) {
                for (int k = 0; k < half; k++) packed[at++] = (values[row + k] & 0xFFFF) | (values[row + half + k] << 16);
            }
            return at;
        }
    }

    private static RowKernels shared;

    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;
    // the work the workers run: set before the generation moves on, read after they see it move
    private Ranges task;
    private int size;

    /** Work over a range of indices (rows of a product, heads of attention). */
    @FunctionalInterface
    interface Ranges {
        void run(int from, int to);
    }

    private RowKernels(int threads) {
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1, threads);
            Thread t = new Thread(workers[i], "crossgen-row-kernel-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    /** The process's kernels with {@code threads} threads in all (the caller's included); rebuilt when that changes. */
    static synchronized RowKernels shared(int threads) {
        if (shared == null || shared.workers.length != threads - 1) {
            if (shared != null) shared.stop();
            shared = new RowKernels(Math.max(1, threads));
        }
        return shared;
    }

    /** {@code y = W x}. */
    void product(Weight w, float[] x, float[] y) {
        if (w.rows < 64) rows(w, x, y, 0, w.rows);
        else parallel(w.rows, (from, to) -> rows(w, x, y, from, to));
    }

    /** Runs {@code task} over {@code [0, n)}, split in equal parts over the threads; returns when all are done. */
    synchronized void parallel(int n, Ranges task) {
        if (workers.length == 0) {
            task.run(0, n);
            return;
        }
        this.task = task;
        this.size = n;
        pending.set(workers.length);
        for (Worker k : workers) k.start();
        Throwable f;
        try {
            task.run(0, split(n, 1, workers.length + 1));
        } finally {   // the helpers finish this task before another begins, whether or not the caller's part failed
            while (pending.get() > 0) Thread.onSpinWait();   // a failing worker counts down too (finally)
            this.task = null;
            f = failure;
            failure = null;   // a helper's failure belongs to this task, never to the next
        }
        if (f != null) throw new IllegalStateException("a decoding thread failed: " + f, f);
    }

    /** The first index of part {@code part} of {@code n} parts of {@code [0, rows)}. */
    private static int split(int rows, int part, int n) {
        return (int) ((long) rows * part / n);
    }

    private static void rows(Weight w, float[] x, float[] y, int r0, int r1) {
        if (w.f32 != null) f32(w.f32, w.in, x, y, r0, r1);
        else bf16(w.bf16, w.in, x, y, r0, r1);
    }

    static void f32(float[] w, int in, float[] x, float[] y, int r0, int r1) {
        for (int r = r0; r < r1; r++) y[r] = dot(w, r * in, x, in);
    }

    /** {@code sum_k w[offset + k] x[k]} for {@code k < n}. */
    static float dot(float[] w, int offset, float[] x, int n) {
        FloatVector s = FloatVector.zero(F), t = FloatVector.zero(F);   // two sums: an FMA's latency is several cycles
        int k = 0;
        for (; k + 2 * LANES <= n; k += 2 * LANES) {
            s = FloatVector.fromArray(F, w, offset + k).fma(FloatVector.fromArray(F, x, k), s);
            t = FloatVector.fromArray(F, w, offset + k + LANES).fma(FloatVector.fromArray(F, x, k + LANES), t);
        }
        for (; k + LANES <= n; k += LANES) s = FloatVector.fromArray(F, w, offset + k).fma(FloatVector.fromArray(F, x, k), s);
        float sum = s.add(t).reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) sum += w[offset + k] * x[k];
        return sum;
    }

    /**
     * {@code p[s] = scale * sum_d q[qAt + d] kT[at + d stride + s]} for {@code s < n, d < D}: a query
     * against keys held transposed, a vector of positions at a time, so no sum runs across lanes.
     */
    static void scores(float[] q, int qAt, int D, float scale, float[] kT, int at, int stride, int n, float[] p) {
        int s = 0;
        for (; s + LANES <= n; s += LANES) {
            FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F);
            int d = 0;
            for (; d + 1 < D; d += 2) {
                a = FloatVector.fromArray(F, kT, at + d * stride + s).fma(FloatVector.broadcast(F, q[qAt + d]), a);
                b = FloatVector.fromArray(F, kT, at + (d + 1) * stride + s).fma(FloatVector.broadcast(F, q[qAt + d + 1]), b);
            }
            if (d < D) a = FloatVector.fromArray(F, kT, at + d * stride + s).fma(FloatVector.broadcast(F, q[qAt + d]), a);
            a.add(b).mul(scale).intoArray(p, s);
        }
        for (; s < n; s++) {
            float sum = 0;
            for (int d = 0; d < D; d++) sum += q[qAt + d] * kT[at + d * stride + s];
            p[s] = sum * scale;
        }
    }

    /**
     * {@link #scores} of keys held as bfloat16, widened to float32 in registers (the cache of a bfloat16
     * model). A twin of the float32 kernel rather than one kernel over either array: with a test of which
     * array per load, float32 decoding ran 0.83-0.96x in four bench pairs.
     */
    static void scores(float[] q, int qAt, int D, float scale, short[] kT, int at, int stride, int n, float[] p) {
        int s = 0;
        for (; s + LANES <= n; s += LANES) {
            FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F);
            int d = 0;
            for (; d + 1 < D; d += 2) {
                a = widen(kT, at + d * stride + s).fma(FloatVector.broadcast(F, q[qAt + d]), a);
                b = widen(kT, at + (d + 1) * stride + s).fma(FloatVector.broadcast(F, q[qAt + d + 1]), b);
            }
            if (d < D) a = widen(kT, at + d * stride + s).fma(FloatVector.broadcast(F, q[qAt + d]), a);
            a.add(b).mul(scale).intoArray(p, s);
        }
        for (; s < n; s++) {
            float sum = 0;
            for (int d = 0; d < D; d++) sum += q[qAt + d] * low(kT[at + d * stride + s]);
            p[s] = sum * scale;
        }
    }

    /** {@link #LANES} bfloat16 values from {@code a[at..]} as float32: each short shifted into a float's high half. */
    private static FloatVector widen(short[] a, int at) {
        return ((IntVector) ShortVector.fromArray(S, a, at).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** {@code p[0..n)} replaced by its softmax, the exponentials a vector at a time. */
    static void softmax(float[] p, int n) {
        int bound = F.loopBound(n), s = 0;
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; s < bound; s += LANES) m = m.max(FloatVector.fromArray(F, p, s));
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; s < n; s++) max = Math.max(max, p[s]);
        FloatVector sum = FloatVector.zero(F);
        for (s = 0; s < bound; s += LANES) {
            FloatVector e = FloatVector.fromArray(F, p, s).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(p, s);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; s < n; s++) total += p[s] = (float) Math.exp(p[s] - max);
        FloatVector inverse = FloatVector.broadcast(F, 1f / total);
        for (s = 0; s < bound; s += LANES) FloatVector.fromArray(F, p, s).mul(inverse).intoArray(p, s);
        for (; s < n; s++) p[s] /= total;
    }

    /** {@code act[i] = silu(gateUp[i]) * gateUp[m + i]} for {@code i < m}: SwiGLU on a fused gate/up output. */
    static void swiGlu(float[] gateUp, int m, float[] act) {
        int bound = F.loopBound(m), i = 0;
        for (; i < bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, gateUp, i);
            FloatVector sigmoid = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sigmoid).mul(FloatVector.fromArray(F, gateUp, m + i)).intoArray(act, i);
        }
        for (; i < m; i++) {
            float g = gateUp[i];
            act[i] = g / (1f + (float) Math.exp(-g)) * gateUp[m + i];
        }
    }

    /** {@code out[outAt + d] = sum_s p[s] v[at + s D + d]} for {@code d < D, s < n}: the rows of {@code v} weighted by {@code p}, read in order. */
    static void weightedRows(float[] p, int n, float[] v, int at, int D, float[] out, int outAt) {
        java.util.Arrays.fill(out, outAt, outAt + D, 0f);
        int bound = F.loopBound(D);
        for (int s = 0; s < n; s++) {
            FloatVector w = FloatVector.broadcast(F, p[s]);
            int row = at + s * D, k = 0;
            for (; k < bound; k += LANES) {
                FloatVector.fromArray(F, v, row + k).fma(w, FloatVector.fromArray(F, out, outAt + k)).intoArray(out, outAt + k);
            }
            for (; k < D; k++) out[outAt + k] += p[s] * v[row + k];
        }
    }

    /** {@link #weightedRows} of values held as bfloat16. */
    static void weightedRows(float[] p, int n, short[] v, int at, int D, float[] out, int outAt) {
        java.util.Arrays.fill(out, outAt, outAt + D, 0f);
        int bound = F.loopBound(D);
        for (int s = 0; s < n; s++) {
            FloatVector w = FloatVector.broadcast(F, p[s]);
            int row = at + s * D, k = 0;
            for (; k < bound; k += LANES) widen(v, row + k).fma(w, FloatVector.fromArray(F, out, outAt + k)).intoArray(out, outAt + k);
            for (; k < D; k++) out[outAt + k] += p[s] * low(v[row + k]);
        }
    }

    /**
     * bfloat16 weights, two per int: shifting an int left by 16 gives the float of its low element,
     * masking its low half that of its high one, so the weights widen to float32 in registers.
     */
    static void bf16(int[] w, int in, float[] x, float[] y, int r0, int r1) {
        int half = in / 2;
        for (int r = r0; r < r1; r++) y[r] = dotBf16(w, r * half, x, half);
    }

    /** {@code sum_k low(w[offset + k]) x[k] + high(w[offset + k]) x[half + k]} for {@code k < half}. */
    private static float dotBf16(int[] w, int offset, float[] x, int half) {
        // one vector of weights per pass: unrolled further it ran slower (20 against 27 GB/s on one core)
        FloatVector s = FloatVector.zero(F), t = FloatVector.zero(F);
        int k = 0;
        for (; k + LANES <= half; k += LANES) {
            IntVector u = IntVector.fromArray(I, w, offset + k);
            s = u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, k), s);
            t = u.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, half + k), t);
        }
        float sum = s.add(t).reduceLanes(VectorOperators.ADD);
        for (; k < half; k++) sum += low(w[offset + k]) * x[k] + high(w[offset + k]) * x[half + k];
        return sum;
    }

    /** The float of the bfloat16 in the low 16 bits of {@code packed} (a bfloat16 as a {@code short} too). */
    static float low(int packed) {
        return Float.intBitsToFloat(packed << 16);
    }

    /** {@code f} rounded to the nearest bfloat16 (ties to even), as libtorch converts. */
    static short bfloat16(float f) {
        int b = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((b >>> 16) | 0x40);
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }

    private static float high(int packed) {
        return Float.intBitsToFloat(packed & 0xFFFF0000);
    }

    private void stop() {
        for (Worker w : workers) w.stopped = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    /** One helper thread: waits for a new product (spinning, then parked), runs its share of the rows. */
    private final class Worker implements Runnable {
        private final int part, parts;
        private final AtomicInteger generation = new AtomicInteger();
        private volatile boolean parked, stopped;
        private Thread thread;

        Worker(int part, int parts) {
            this.part = part;
            this.parts = parts;
        }

        void start() {
            generation.incrementAndGet();
            if (parked) LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            int seen = 0;
            while (!stopped) {
                long since = System.nanoTime();
                while (generation.get() == seen && !stopped) {
                    if (System.nanoTime() - since < SPIN_NANOS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    parked = true;
                    if (generation.get() == seen && !stopped) LockSupport.park(this);
                    parked = false;
                    since = System.nanoTime();
                }
                if (stopped) return;
                seen = generation.get();
                try {
                    task.run(split(size, part, parts), split(size, part + 1, parts));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
