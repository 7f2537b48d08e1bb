package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.is_autocast_enabled;
import static org.bytedeco.pytorch.global.torch.zeros;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch-1 decode step on the CPU in Java: every layer's products, norms, rotary embedding and
 * attention over the cache in one call, on copies of the weights in Java arrays ({@link RowKernels}).
 * A step through libtorch is ~240 ops, each a native call whose OpenMP threads sleep and wake (0.2-0.3
 * of the read bandwidth on the bench's shape); here the products read the weights at 40-67 GB/s
 * (with the VM's phase), and a bfloat16 step takes about half the time (docs/engine.md, Decoding).
 *
 * <p>It computes what {@link LlamaModel#forward} does for one token, in float32 arithmetic. With
 * float32 weights the logits agree to rounding (the sums run in another order); with bfloat16
 * weights it keeps the activations in float32 where libtorch rounds each op's output to bfloat16
 * (the keys and values it caches are rounded, as libtorch's cache holds them), so bf16 logits
 * differ from the batched path by that rounding. The copies are refreshed when a weight is changed
 * in place or moved ({@code _version}); a step the decoder does not cover (more rows, a
 * mask that hides a position, autograd, autocast, an adapter, a bias) goes through libtorch.
 */
final class RowDecoder {
    private static final Logger log = LoggerFactory.getLogger(RowDecoder.class);
    private static final String OFF = "crossgen.rowDecoder";   // -Dcrossgen.rowDecoder=false: always libtorch
    private static volatile String unsupported;               // why this JVM cannot run it; null once checked and fine

    private final LlamaModel model;
    private final LlamaConfig c;
    private final boolean bf16;
    private final List<Tensor> sources = new ArrayList<>();
    private long[] versions;
    private Layer[] layers;
    private RowKernels.Weight head;
    private float[] finalNorm, invFreq;
    private final Buffers buffers;

    private record Layer(float[] inputNorm, float[] postNorm, RowKernels.Weight qkv, RowKernels.Weight o,
                         RowKernels.Weight gateUp, RowKernels.Weight down) {}

    private RowDecoder(LlamaModel model) {
        this.model = model;
        this.c = model.config();
        this.bf16 = model.dtype() == DType.BFLOAT16;
        this.buffers = new Buffers();
    }

    /** The decoder for {@code model}, or null with the reason logged once when this JVM or model cannot run it. */
    static RowDecoder forModel(LlamaModel model) {
        String why = supported();
        if (why == null && model.device().isCuda()) why = "the model is not on the CPU";
        LlamaConfig c = model.config();
        if (why == null && model.dtype() != DType.FLOAT32 && model.dtype() != DType.BFLOAT16) why = "weights in " + model.dtype();
        if (why == null && (c.qkvBias() || c.oBias() || c.mlpBias())) why = "the model has biases";
        if (why == null && model.dtype() == DType.BFLOAT16 && (c.hiddenSize() % 2 != 0 || c.intermediateSize() % 2 != 0
                || c.numHeads() * c.headDim() % 2 != 0)) why = "a bfloat16 row of odd length";
        if (why == null) {
            long bytes = model.parameterCount() * (model.dtype() == DType.BFLOAT16 ? 2 : 4);
            if (bytes > Runtime.getRuntime().maxMemory() / 3) {
                why = "a copy of its weights (" + (bytes >> 20) + " MiB) needs more than a third of the Java heap (-Xmx)";
            }
        }
        if (why != null) {
            log.debug("batch-1 decoding through libtorch: {}", why);
            return null;
        }
        return new RowDecoder(model);
    }

    /**
     * Null when this JVM can run the decoder: the vector API module is present ({@code --add-modules
     * jdk.incubator.vector}) and the optimizing compiler runs (the vector API is slower than libtorch
     * under C1 alone, {@code -XX:TieredStopAtLevel=1}); else why not.
     */
    static String supported() {
        String why = unsupported;
        if (why != null) return why.isEmpty() ? null : why;
        if (!Boolean.parseBoolean(System.getProperty(OFF, "true"))) why = "-D" + OFF + "=false";
        else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) why = "no --add-modules jdk.incubator.vector";
        else if (!optimizingCompiler()) why = "the JIT runs C1 only (-XX:TieredStopAtLevel)";
        unsupported = why == null ? "" : why;
        return why;
    }

    private static boolean optimizingCompiler() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
            int stop = Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue());
            return (!tiered || stop >= 4) && !System.getProperty("java.vm.info", "").contains("interpreted");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The logits {@code (1, 1, V)} of one token at {@code position}, the cache extended by it; null
     * (nothing done) when this step is not one the decoder covers.
     */
    synchronized Tensor step(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        if (ids.numel() != 1 || (mask != null && !allTrue(mask))) return null;
        float[] logits = logits(ids.item_long(), positions.item_long(), cache);
        if (logits == null) return null;
        if (!bf16) return Tensor.create(logits, 1, 1, logits.length);
        Tensor out = zeros(new long[] {1, 1, logits.length}, new TensorOptions(ScalarType.BFloat16));
        new ShortPointer(out.data_ptr()).put(buffers.logitHalves);
        return out;
    }

    /**
     * The logits of {@code token} at {@code position} as floats (a bfloat16 model's rounded to
     * bfloat16, as libtorch's would be), the cache extended by it; null (nothing done) when this step
     * is not one the decoder covers. The array is the decoder's own, overwritten by the next step.
     */
    synchronized float[] logits(long token, long position, KvCache cache) {
        if (cache == null || cache.batch() != 1 || GradMode.is_enabled() || model.isTraining()
                || is_autocast_enabled(DeviceType.CPU) || hasAdapter()) {
            return null;
        }
        if (token < 0 || token >= c.vocabSize()) return null;   // libtorch's path names the bad id
        if (weightsChanged()) copyWeights();
        float[] logits = run((int) token, position, cache.rows(c));
        if (bf16) {
            short[] halves = buffers.logitHalves;  // rounded here: libtorch's to() woke its threads for 32k values
            for (int i = 0; i < halves.length; i++) {
                halves[i] = RowKernels.bfloat16(logits[i]);
                logits[i] = RowKernels.low(halves[i]);
            }
        }
        return logits;
    }

    private boolean hasAdapter() {
        for (DecoderLayer l : model.layers()) for (Linear x : l.linears()) if (x.lora != null) return true;
        return false;
    }

    private static boolean allTrue(Tensor mask) {
        return mask.all().item_bool();
    }

    // ---- the step ---------------------------------------------------------------------------------

    private float[] run(int token, long position, KvCache.Rows kv) {
        int C = c.hiddenSize(), H = c.numHeads(), KVH = c.numKvHeads(), D = c.headDim();
        RowKernels kernels = RowKernels.shared(Math.max(1, get_num_threads()));
        Buffers b = buffers;
        float[] x = b.x;
        embedding(token, x);
        for (int i = 0; i < D / 2; i++) {           // float32 like RotaryEmbedding: position * inv_freq, then cos/sin
            float f = (float) position * invFreq[i];
            b.cos[i] = (float) Math.cos(f);
            b.sin[i] = (float) Math.sin(f);
        }
        kv.pull();
        int t = kv.length();                        // this token's slot
        b.fitScores(t + 1);
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            rmsNorm(x, layer.inputNorm, b.h);
            kernels.product(layer.qkv, b.h, b.qkv);
            for (int head = 0; head < H + KVH; head++) rotate(b.qkv, head * D, D, b.cos, b.sin);
            kv.put(l, t, b.qkv, H * D, (H + KVH) * D);
            attend(kernels, kv, l, t + 1);
            kernels.product(layer.o, b.att, b.out);
            for (int i = 0; i < C; i++) x[i] += b.out[i];
            rmsNorm(x, layer.postNorm, b.h);
            kernels.product(layer.gateUp, b.h, b.gateUp);
            RowKernels.swiGlu(b.gateUp, c.intermediateSize(), b.act);
            kernels.product(layer.down, b.act, b.out);
            for (int i = 0; i < C; i++) x[i] += b.out[i];
        }
        kv.advance();
        rmsNorm(x, finalNorm, b.h);
        kernels.product(head, b.h, b.logits);
        return b.logits;
    }

    /**
     * A step's arrays, made once per decoder: arrays allocated afresh at every step cost more
     * than the arithmetic (a new 32k-logit array took 0.4 ms, the JVM touching fresh heap pages).
     */
    private final class Buffers {
        final float[] x = new float[c.hiddenSize()], h = new float[c.hiddenSize()], out = new float[c.hiddenSize()];
        final float[] qkv = new float[(c.numHeads() + 2 * c.numKvHeads()) * c.headDim()], att = new float[c.numHeads() * c.headDim()];
        final float[] gateUp = new float[2 * c.intermediateSize()], act = new float[c.intermediateSize()];
        final float[] cos = new float[c.headDim() / 2], sin = new float[c.headDim() / 2];
        final float[] logits = new float[c.vocabSize()];
        final short[] logitHalves = bf16 ? new short[c.vocabSize()] : null, embeddingHalves = bf16 ? new short[c.hiddenSize()] : null;
        float[][] scores = new float[c.numHeads()][];   // per query head: its threads never share one

        /** Scores of {@code n} positions fit, with room to grow before the next reallocation. */
        void fitScores(int n) {
            if (scores[0] != null && scores[0].length >= n) return;
            for (int i = 0; i < scores.length; i++) scores[i] = new float[Math.max(256, n + n / 2)];
        }
    }

    private void rmsNorm(float[] x, float[] weight, float[] out) {
        double sum = 0;
        for (float v : x) sum += v * v;
        float scale = (float) (1.0 / Math.sqrt(sum / x.length + c.rmsNormEps()));
        for (int i = 0; i < x.length; i++) out[i] = x[i] * scale * weight[i];
    }

    /** Hugging Face's rotate_half: pairs (i, i + D/2). */
    private static void rotate(float[] v, int offset, int d, float[] cos, float[] sin) {
        int half = d / 2;
        for (int i = 0; i < half; i++) {
            float a = v[offset + i], b = v[offset + half + i];
            v[offset + i] = a * cos[i] - b * sin[i];
            v[offset + half + i] = b * cos[i] + a * sin[i];
        }
    }

    /** Each query head against its key/value head's first {@code n} cached positions, the heads split over the threads. */
    private void attend(RowKernels kernels, KvCache.Rows kv, int layer, int n) {
        kernels.parallel(c.numHeads(), (from, to) -> attendHeads(kv, layer, n, from, to));
    }

    private void attendHeads(KvCache.Rows kv, int layer, int n, int from, int to) {
        int D = c.headDim(), groups = c.kvGroups();
        float scale = (float) (1.0 / Math.sqrt(D));
        for (int head = from; head < to; head++) {
            float[] p = buffers.scores[head];
            int g = head / groups;
            if (kv.bf16()) RowKernels.scores(buffers.qkv, head * D, D, scale, kv.keyHalves(layer), kv.keyRow(g, 0), kv.keyStride(), n, p);
            else RowKernels.scores(buffers.qkv, head * D, D, scale, kv.keys(layer), kv.keyRow(g, 0), kv.keyStride(), n, p);
            RowKernels.softmax(p, n);
            if (kv.bf16()) RowKernels.weightedRows(p, n, kv.valueHalves(layer), kv.valueAt(g, 0), D, buffers.att, head * D);
            else RowKernels.weightedRows(p, n, kv.values(layer), kv.valueAt(g, 0), D, buffers.att, head * D);
        }
    }

    // ---- weights ----------------------------------------------------------------------------------

    /** Row {@code token} of the embedding, widened to float32, into {@code row}. */
    private void embedding(int token, float[] row) {
        Tensor e = model.embedWeight();
        int C = c.hiddenSize();
        if (!bf16) {
            e.data_ptr_float().position((long) token * C).get(row);
        } else {
            short[] s = buffers.embeddingHalves;
            new ShortPointer(e.data_ptr()).position((long) token * C).get(s);
            for (int i = 0; i < C; i++) row[i] = RowKernels.low(s[i]);
        }
    }

    /**
     * Has a weight changed since the copy? Its version counter says: libtorch bumps it at every in-place
     * op, a move to other memory by {@code set_} included (RowDecoderTest checks both), so one call per
     * weight suffices. Reading each address as well doubled the check's 65-110 µs per token.
     */
    private boolean weightsChanged() {
        if (versions == null) return true;
        for (int i = 0; i < sources.size(); i++) if (sources.get(i).__dispatch__version() != versions[i]) return true;
        return false;
    }

    private void copyWeights() {
        try (NativeScope scope = NativeScope.open()) {
            copyWeightsInScope();
        }
    }

    private void copyWeightsInScope() {
        sources.clear();
        List<DecoderLayer> ls = model.layers();
        layers = new Layer[ls.size()];
        for (int i = 0; i < layers.length; i++) {
            DecoderLayer l = ls.get(i);
            layers[i] = new Layer(floats(l.inputNorm), floats(l.postAttentionNorm), weight(l.q, l.k, l.v), weight(l.o),
                    weight(l.gate, l.up), weight(l.down));
        }
        finalNorm = floats(model.finalNormWeight());
        head = weight(model.headWeight());
        invFreq = model.rope().inverseFrequencies();
        sources.add(model.embedWeight());
        versions = new long[sources.size()];
        for (int i = 0; i < versions.length; i++) versions[i] = sources.get(i).__dispatch__version();
    }

    private RowKernels.Weight weight(Linear... parts) {
        Tensor[] ws = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) ws[i] = parts[i].weight;
        return weight(ws);
    }

    /** The rows of {@code parts} one after another, as one weight. */
    private RowKernels.Weight weight(Tensor... parts) {
        int in = (int) parts[0].size(1), rows = 0;
        for (Tensor p : parts) rows += (int) p.size(0);
        if (!bf16) {
            float[] all = new float[Math.multiplyExact(rows, in)];
            int at = 0;
            for (Tensor p : parts) {
                float[] f = floats(p);
                System.arraycopy(f, 0, all, at, f.length);
                at += f.length;
            }
            return new RowKernels.Weight(rows, in, all, null);
        }
        int[] packed = new int[Math.multiplyExact(rows, in) / 2];
        int at = 0;
        for (Tensor p : parts) at = RowKernels.Weight.pack(shorts(p), in, packed, at);
        return new RowKernels.Weight(rows, in, null, packed);
    }

    private float[] floats(Tensor t) {
        sources.add(t);
        return Tensors.toFloats(t);
    }

    private short[] shorts(Tensor t) {
        sources.add(t);
        Tensor b = t.contiguous();
        short[] a = new short[(int) b.numel()];
        ShortPointer p = new ShortPointer(b.data_ptr());
        p.get(a);
        return a;
    }
}
