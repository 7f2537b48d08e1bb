package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.embedding;
import static org.bytedeco.pytorch.global.torch.isfinite;
import static org.bytedeco.pytorch.global.torch.ones;
import static org.bytedeco.pytorch.global.torch.randn;
import static org.bytedeco.pytorch.global.torch.rms_norm;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.crossgen.model.CheckpointFiles;
import org.crossgen.files.AtomicFiles;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face {@code LlamaForCausalLM}-family decoder (Llama 2/3, Mistral, Qwen2, SmolLM,
 * TinyLlama) on libtorch. Weights keep their checkpoint names, so loading and saving is a name
 * lookup; the model owns them and frees them on {@link #close}.
 *
 * <p>{@link #forward} maps token ids to logits; generation and scoring live in {@code infer}.
 *
 * <p><b>Who owns what.</b> The tensors {@link #forward}, {@link #hidden} and {@link #logits} return
 * are new and belong to the caller: they attach to the caller's open {@link NativeScope}, which
 * frees them when it closes (call them inside one, or keep what must outlive it). The weights
 * {@link #namedWeights} returns belong to the model: valid until {@link #close}, never released
 * by the caller.
 */
public final class LlamaModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LlamaModel.class);
    /** transformers' default shard size for save_pretrained. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private final LlamaConfig config;
    private final DType dtype;
    private final ComputeDevice device;
    private final Map<String, Tensor> params;   // HF name -> tensor, owned (retained once)
    private final Tensor embed;                 // (V, C)
    private final Tensor finalNorm;             // (C)
    private final Tensor lmHead;                // (V, C); the embedding itself when tied
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final RotaryEmbedding rope;
    private boolean training;
    private boolean sparseEmbeddingGradient;
    private RowDecoder rowDecoder;      // batch-1 decoding in Java, made at the first such step
    private boolean rowDecoderChecked;

    private LlamaModel(LlamaConfig config, DType dtype, ComputeDevice device, Map<String, Tensor> params) {
        this.config = config;
        this.dtype = dtype;
        this.device = device;
        this.params = params;
        this.embed = params.get("model.embed_tokens.weight");
        this.finalNorm = params.get("model.norm.weight");
        this.lmHead = config.tieWordEmbeddings() ? embed : params.get("lm_head.weight");
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            layers.add(new DecoderLayer(i, config, params.get(p + "input_layernorm.weight"),
                    params.get(p + "post_attention_layernorm.weight"),
                    linear(p + "self_attn.q_proj", config.qkvBias()), linear(p + "self_attn.k_proj", config.qkvBias()),
                    linear(p + "self_attn.v_proj", config.qkvBias()), linear(p + "self_attn.o_proj", config.oBias()),
                    linear(p + "mlp.gate_proj", config.mlpBias()), linear(p + "mlp.up_proj", config.mlpBias()),
                    linear(p + "mlp.down_proj", config.mlpBias())));
        }
        this.rope = new RotaryEmbedding(config, device);
    }

    private Linear linear(String name, boolean bias) {
        return new Linear(name, params.get(name + ".weight"), bias ? params.get(name + ".bias") : null);
    }

    /** Parameters of a model of config {@code c}, from its shapes alone (no weights loaded). */
    public static long parameterCount(LlamaConfig c) {
        long n = 0;
        for (long[] shape : expectedShapes(c).values()) {
            long e = 1;
            for (long d : shape) e *= d;
            n += e;
        }
        return n;
    }

    /** Every weight name and shape this config needs, in checkpoint order. */
    public static Map<String, long[]> expectedShapes(LlamaConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long hd = c.headDim(), q = (long) c.numHeads() * hd, kv = (long) c.numKvHeads() * hd;
        long C = c.hiddenSize(), F = c.intermediateSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), C});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            s.put(p + "input_layernorm.weight", new long[] {C});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, C});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, C});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, C});
            s.put(p + "self_attn.o_proj.weight", new long[] {C, q});
            if (c.qkvBias()) {
                s.put(p + "self_attn.q_proj.bias", new long[] {q});
                s.put(p + "self_attn.k_proj.bias", new long[] {kv});
                s.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            if (c.oBias()) s.put(p + "self_attn.o_proj.bias", new long[] {C});
            s.put(p + "post_attention_layernorm.weight", new long[] {C});
            s.put(p + "mlp.gate_proj.weight", new long[] {F, C});
            s.put(p + "mlp.up_proj.weight", new long[] {F, C});
            s.put(p + "mlp.down_proj.weight", new long[] {C, F});
            if (c.mlpBias()) {
                s.put(p + "mlp.gate_proj.bias", new long[] {F});
                s.put(p + "mlp.up_proj.bias", new long[] {F});
                s.put(p + "mlp.down_proj.bias", new long[] {C});
            }
        }
        s.put("model.norm.weight", new long[] {C});
        if (!c.tieWordEmbeddings()) s.put("lm_head.weight", new long[] {c.vocabSize(), C});
        return s;
    }

    /**
     * A model with seeded random weights (normal(0, 0.02) matrices, unit norms, zero biases), as
     * transformers initialises a fresh {@code LlamaForCausalLM}. Same seed, same weights.
     */
    public static LlamaModel random(LlamaConfig c, long seed, DType dtype, ComputeDevice device) {
        Torch.seed(seed);
        Map<String, Tensor> params = new LinkedHashMap<>();
        try (NativeScope scope = NativeScope.open()) {
            for (Map.Entry<String, long[]> e : expectedShapes(c).entrySet()) {
                String name = e.getKey();
                Tensor t = name.endsWith("norm.weight") ? ones(e.getValue())
                        : name.endsWith(".bias") ? zeros(e.getValue())
                        : randn(e.getValue()).mul_(new Scalar(0.02));
                params.put(name, scope.keep(t.to(device.device(), dtype.scalarType)));
            }
        }
        return new LlamaModel(c, dtype, device, params);
    }

    /**
     * Loads {@code dir} (config.json + safetensors), converting weights to {@code dtype} on
     * {@code device}. A missing or misshapen weight fails the load, and the weights converted before
     * it are freed (a model that never loads must not hold memory).
     */
    public static LlamaModel load(Path dir, DType dtype, ComputeDevice device) throws IOException {
        LlamaConfig c = LlamaConfig.read(dir);
        Map<String, Tensor> raw = CheckpointFiles.read(dir, CheckpointFiles.SINGLE, CheckpointFiles.INDEX);
        Map<String, Tensor> params = new LinkedHashMap<>();
        try (NativeScope scope = NativeScope.open()) {
            checkLayerCount(dir, c, raw.keySet());
            Map<String, long[]> want = expectedShapes(c);
            convert(dir, c, dtype, device, raw, want, params, scope);
            List<String> unused = new ArrayList<>(raw.keySet());
            unused.removeAll(want.keySet());
            unused.removeIf(n -> n.endsWith("rotary_emb.inv_freq") || (c.tieWordEmbeddings() && n.equals("lm_head.weight")));
            if (!unused.isEmpty()) log.warn("{}: ignoring {} weights the model does not use, e.g. {}", dir, unused.size(), unused.get(0));
            return new LlamaModel(c, dtype, device, params);
        } catch (IOException | RuntimeException e) {
            params.values().forEach(NativeScope::release);
            throw e;
        } finally {
            raw.values().forEach(NativeScope::release);
        }
    }

    /** Each wanted weight, checked and converted, into {@code params} (kept in {@code scope}). */
    private static void convert(Path dir, LlamaConfig c, DType dtype, ComputeDevice device, Map<String, Tensor> raw,
                                Map<String, long[]> want, Map<String, Tensor> params, NativeScope scope) throws IOException {
        for (Map.Entry<String, long[]> e : want.entrySet()) {
            Tensor t = raw.get(e.getKey());
            if (t == null) throw new IOException(dir + ": weight " + e.getKey() + " is missing from the checkpoint");
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new IOException(dir + ": weight " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", config.json implies " + Arrays.toString(e.getValue()));
            }
            Tensor p = scope.keep(t.to(device.device(), dtype.scalarType));
            params.put(e.getKey(), p);
            // once per load, so a broken checkpoint fails here instead of giving NaN logits and exit code 0
            if (!isfinite(p).all().item_bool()) {
                throw new IOException(dir + ": weight " + e.getKey() + " holds NaN or infinite values"
                        + (t.scalar_type().intern() == dtype.scalarType ? "" : " (after conversion to " + dtype.torchName() + ")"));
            }
        }
        Tensor head = raw.get("lm_head.weight");
        long[] embed = want.get("model.embed_tokens.weight");
        if (c.tieWordEmbeddings() && head != null && !Arrays.equals(head.shape(), embed)) {
            throw new IOException(dir + ": lm_head.weight has shape " + Arrays.toString(head.shape()) + ", but config.json ties it to "
                    + "model.embed_tokens.weight " + Arrays.toString(embed) + " (tie_word_embeddings)");
        }
    }

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d{1,9})\\..*");

    /**
     * num_hidden_layers against the layers the checkpoint holds, before {@link #expectedShapes}
     * builds an entry per layer: a config claiming 10^9 layers must fail at once, not fill the heap.
     */
    private static void checkLayerCount(Path dir, LlamaConfig c, Set<String> names) throws IOException {
        int present = 0;
        for (String n : names) {
            Matcher m = LAYER.matcher(n);
            if (m.matches()) present = Math.max(present, Integer.parseInt(m.group(1)) + 1);
        }
        if (c.numLayers() > present) {
            throw new IOException(dir + ": config.json says num_hidden_layers " + c.numLayers() + ", but the checkpoint holds "
                    + "weights for " + present + " layer(s)");
        }
    }

    /**
     * Saves config.json and the weights (in {@code as}) in the layout transformers'
     * {@code from_pretrained} reads; tied heads are not written twice. Each file is atomic.
     */
    public void save(Path dir, DType as, long maxShardBytes) throws IOException {
        try (NativeScope scope = NativeScope.open()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : params.entrySet()) out.put(e.getKey(), e.getValue().to(as.scalarType));
            CheckpointFiles.write(dir, out, maxShardBytes, CheckpointFiles.SINGLE, CheckpointFiles.INDEX);
        }
        AtomicFiles.writeString(dir.resolve("config.json"),
                new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(config.toJson(as)) + "\n");
    }

    public void save(Path dir) throws IOException {
        save(dir, dtype, DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * Logits for every position; the result belongs to the caller's scope.
     *
     * @param ids       (B, T) int64 token ids
     * @param positions (B, T) int64 position ids (for left padding: count only real tokens)
     * @param mask      (B, 1, T, S) boolean attention mask (true = attend), S = cached + T;
     *                  null means plain causal attention over the batch without left padding
     * @param cache     KV cache to read and extend, or null
     * @return (B, T, V) logits in the model's dtype
     */
    public Tensor forward(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        Tensor out = cache != null && ids.numel() == 1 ? rowDecoderStep(ids, positions, mask, cache) : null;
        if (out != null) return out;
        return logits(hidden(ids, positions, mask, cache));
    }

    /** How a batch-1 decode step on the CPU runs in this JVM: in Java, or through libtorch and why. */
    public static String batchOneDecoding() {
        String why = RowDecoder.supported();
        return why == null ? "Java vector API (RowDecoder)" : "libtorch (" + why + ")";
    }

    /** A decode step through {@link RowDecoder}, or null where it does not take it. */
    Tensor rowDecoderStep(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        RowDecoder d = rowDecoder();
        return d == null ? null : d.step(ids, positions, mask, cache);
    }

    /**
     * The logits of a batch-1 decode step as {@link #forward} gives them (a bfloat16 model's rounded
     * to bfloat16), computed in Java with no tensor made: greedy decoding's argmax needs nothing
     * else, and the few small libtorch ops around a step (ids, logits, max) cost 10-20% of it. Null,
     * nothing done, where the Java decoder does not take the step (then use {@link #forward}). The
     * array is overwritten by the next step.
     *
     * @param token    the token fed at {@code position}
     * @param position its position (the cache's length, after a left-padding-free prompt)
     * @param cache    a batch-1 cache, extended by the token
     */
    public float[] rowDecoderLogits(long token, long position, KvCache cache) {
        RowDecoder d = cache == null ? null : rowDecoder();
        return d == null ? null : d.logits(token, position, cache);
    }

    /** The Java decoder, made at the first call; null where this JVM or model cannot run it. */
    private RowDecoder rowDecoder() {
        if (!rowDecoderChecked) {
            rowDecoder = RowDecoder.forModel(this);
            rowDecoderChecked = true;
        }
        return rowDecoder;
    }

    /** The final-norm hidden states {@code (B, T, C)}, belonging to the caller's scope; same arguments as {@link #forward}. */
    public Tensor hidden(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        if (device.isCuda()) { // inputs built on the CPU follow the model (a no-op when already there)
            var dev = device.device();
            ids = ids.to(dev, org.bytedeco.pytorch.global.torch.ScalarType.Long);
            positions = positions.to(dev, org.bytedeco.pytorch.global.torch.ScalarType.Long);
            if (mask != null) mask = mask.to(dev, org.bytedeco.pytorch.global.torch.ScalarType.Bool);
        }
        Tensor x = embed(ids);                                               // (B, T, C)
        Tensor[] cs = rope.cosSin(positions, dtype.scalarType);              // (B, 1, T, D) each
        for (DecoderLayer layer : layers) x = layer.forward(x, cs[0], cs[1], mask, cache);
        if (cache != null) cache.advance(ids.size(1));
        return rms_norm(x, new long[] {config.hiddenSize()}, new TensorOptional(finalNorm), new DoubleOptional(config.rmsNormEps()));
    }

    /**
     * The embedding lookup. An id outside the vocabulary makes libtorch fail with "index out of
     * range in self" and a native stack; this names the id instead (checked only on failure, so
     * the lookup costs nothing more). Its gradient is sparse where {@link #sparseEmbeddingGradient} allows.
     */
    Tensor embed(Tensor ids) {
        try {
            boolean sparse = sparseEmbeddingGradient && !config.tieWordEmbeddings() && !device.isCuda() && embed.requires_grad();
            return embedding(embed, ids, -1, false, sparse);
        } catch (RuntimeException e) {
            long min = ids.min().item_long(), max = ids.max().item_long();
            long bad = min < 0 ? min : max;
            if (bad >= 0 && bad < config.vocabSize()) throw e;
            throw new IllegalArgumentException("token id " + bad + " is outside the model's vocabulary of " + config.vocabSize()
                    + " ids (vocab_size in config.json)");
        }
    }

    /** The output head: hidden states {@code (..., C)} to new logits {@code (..., V)}, belonging to the caller's scope. */
    public Tensor logits(Tensor hidden) {
        return Linear.apply(hidden, lmHead, null);
    }

    public LlamaConfig config() {
        return config;
    }

    public DType dtype() {
        return dtype;
    }

    public ComputeDevice device() {
        return device;
    }

    /**
     * The model's own weights by checkpoint name (no LoRA tensors), in checkpoint order. They belong
     * to the model: valid until {@link #close}; callers read or update them in place, never release them.
     */
    public Map<String, Tensor> namedWeights() {
        return Collections.unmodifiableMap(params);
    }

    /** The linear layers, for attaching adapters. */
    public List<Linear> linears() {
        List<Linear> all = new ArrayList<>();
        for (DecoderLayer l : layers) all.addAll(l.linears());
        return all;
    }

    public long parameterCount() {
        return params.values().stream().mapToLong(Tensor::numel).sum();
    }

    /**
     * Makes every weight own its memory and sets {@code requires_grad} on all of them
     * ({@code trainable}) or none. Weights loaded from disk are copy-on-write views of the mapped
     * file; an optimizer updating them in place would dirty private pages of that mapping, so they
     * are replaced (in place, via {@code set_}, so every layer sees the copy) by owned clones.
     */
    public void prepareForTraining(boolean trainable) {
        try (NativeScope scope = NativeScope.open(); org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Tensor t : params.values()) {
                t.requires_grad_(false);
                t.set_(t.clone());
                t.requires_grad_(trainable);
            }
        }
    }

    /**
     * Lets the embedding's gradient be sparse (the rows of the looked-up ids) where that pays: an
     * untied embedding on the CPU. The dense gradient zero-fills the whole vocabulary x hidden matrix
     * at every backward pass to touch a few hundred rows, and the caller then adds all of it: 65 MB
     * twice per row block for the bench's 58M shape, a median 4% of its bf16 step (docs/engine.md, Sparse
     * embedding gradient). A tied embedding also gets the output head's dense gradient, so it stays
     * dense. Only for a caller whose {@code .grad} buffers are dense and defined (FlatParameters)
     * or who adds the gradients itself (ThreadedBackward): into an undefined {@code .grad}, autograd
     * would store the sparse tensor.
     */
    public void sparseEmbeddingGradient(boolean on) {
        sparseEmbeddingGradient = on;
    }

    /** Switches dropout (LoRA's) on or off. */
    public void train(boolean on) {
        training = on;
        for (Linear l : linears()) if (l.lora != null) l.lora.training = on;
    }

    public boolean isTraining() {
        return training;
    }

    // ---- the pieces of hidden(), for CheckpointedForward ----------------------------------------

    Tensor embedWeight() {
        return embed;
    }

    List<DecoderLayer> layers() {
        return layers;
    }

    Tensor finalNormWeight() {
        return finalNorm;
    }

    Tensor headWeight() {
        return lmHead;
    }

    RotaryEmbedding rope() {
        return rope;
    }

    Tensor finalNorm(Tensor x) {
        return rms_norm(x, new long[] {config.hiddenSize()}, new TensorOptional(finalNorm), new DoubleOptional(config.rmsNormEps()));
    }

    @Override
    public void close() {
        layers.forEach(DecoderLayer::close);
        params.values().forEach(NativeScope::release);
        rope.close();
    }
}
