package org.crossgen.study;

import static org.bytedeco.pytorch.global.torch.kl_div;
import static org.bytedeco.pytorch.global.torch.log_softmax;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.text.Tokenizer;

/**
 * How far fine-tuning moved a model from its base, the paper's explanation of why FTICL
 * generalizes better made measurable: FTICL's demonstrations leave less to learn, so its weights
 * and its next-token distributions should move less.
 *
 * <ul>
 *   <li><b>Relative weight change</b> per part: sqrt(Σ‖W_ft − W_base‖²_F / Σ‖W_base‖²_F), the
 *       sums over the part's weights ({@code embed}, each {@code layer.<i>}, {@code head}: final
 *       norm plus an untied {@code lm_head}; {@code all}: every weight). Computed in float64.</li>
 *   <li><b>Next-token KL</b>: KL(p_base ‖ p_ft) in nats, averaged over every position of every
 *       held-out prompt (the distribution of the token after each prefix).</li>
 * </ul>
 *
 * <p>This is the study side of the drift analysis: it loads models and writes {@link DriftRow}s
 * ({@link ResultsExporter} caches them per trained model), and the report only reads the rows.
 * The base model is loaded once and compared with each fine-tuned folder in turn:
 *
 * <pre>{@code
 * try (DriftMeter meter = DriftMeter.against("llama-7b", baseDir, prompts, 8, DType.BFLOAT16, device)) {
 *     List<DriftRow> rows = meter.measure(layout.model(job.key()), job);
 * }
 * }</pre>
 */
public final class DriftMeter implements AutoCloseable {
    private final String baseModelId;
    private final LlamaModel base;
    private final List<long[]> prompts;
    private final int batchSize;
    private final DType dtype;
    private final ComputeDevice device;

    private DriftMeter(String baseModelId, LlamaModel base, List<long[]> prompts, int batchSize, DType dtype, ComputeDevice device) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).length == 0) throw new IllegalArgumentException("held-out prompt " + i + " has no tokens");
        }
        this.baseModelId = baseModelId;
        this.base = base;
        this.prompts = List.copyOf(prompts);
        this.batchSize = batchSize;
        this.dtype = dtype;
        this.device = device;
    }

    /**
     * Loads the base model to compare fine-tuned models against.
     *
     * @param baseModelId id written into every row ({@link ResultRow#baseModel})
     * @param prompts     held-out prompts as token ids (BOS included), each at least one token
     * @param batchSize   prompts per forward pass
     */
    public static DriftMeter against(String baseModelId, Path baseDir, List<long[]> prompts, int batchSize,
                                     DType dtype, ComputeDevice device) throws IOException {
        return new DriftMeter(baseModelId, LlamaModel.load(baseDir, dtype, device), prompts, batchSize, dtype, device);
    }

    /**
     * Held-out texts as prompts for {@link #against}: BOS first, cut to {@code maxTokens} tokens
     * (the KL's memory grows with batch × length × vocabulary).
     */
    public static List<long[]> promptIds(Tokenizer tokenizer, List<String> texts, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        List<long[]> ids = new ArrayList<>(texts.size());
        for (String text : texts) {
            long[] t = tokenizer.encode(text, true);
            ids.add(t.length <= maxTokens ? t : java.util.Arrays.copyOf(t, maxTokens));
        }
        return ids;
    }

    /**
     * Loads the model {@code job} trained, from {@code ftDir} (same architecture as the base), and
     * measures it: one {@link DriftRow#RELATIVE_CHANGE} row per part and one {@link DriftRow#KL}
     * row (omitted when there are no held-out prompts).
     */
    public List<DriftRow> measure(Path ftDir, TrainingJob job) throws IOException {
        try (LlamaModel ft = LlamaModel.load(ftDir, dtype, device)) {
            List<DriftRow> rows = new ArrayList<>();
            for (PartChange c : relativeChange(base, ft).values()) {
                rows.add(row(job, DriftRow.RELATIVE_CHANGE, c.part(), c.relative(), c.parameters()));
            }
            if (!prompts.isEmpty()) {
                MeanKl kl = meanKl(base, ft, prompts, batchSize);
                rows.add(row(job, DriftRow.KL, DriftRow.NEXT_TOKEN, kl.mean(), kl.positions()));
            }
            return rows;
        }
    }

    private DriftRow row(TrainingJob job, String measure, String part, double value, long n) {
        return new DriftRow(baseModelId, job.method(), job.trainDataset(), job.trainSize(), job.trainShots(), job.seed(),
                measure, part, value, n);
    }

    /** The relative change of one part. */
    record PartChange(String part, double diffSquared, double baseSquared, long parameters) {
        double relative() {
            return Math.sqrt(diffSquared / baseSquared);
        }

        PartChange plus(double d, double b, long n) {
            return new PartChange(part, diffSquared + d, baseSquared + b, parameters + n);
        }
    }

    /** Mean KL over {@code positions} predicted tokens. */
    record MeanKl(double mean, long positions) {}

    /** Relative change per part, in the order embed, layer.0 … layer.L−1, head, all. */
    static Map<String, PartChange> relativeChange(LlamaModel base, LlamaModel ft) {
        Map<String, Tensor> bw = base.namedWeights(), fw = ft.namedWeights();
        if (!bw.keySet().equals(fw.keySet())) {
            throw new IllegalArgumentException("the fine-tuned model's weights differ in name from the base model's: "
                    + bw.keySet().size() + " vs " + fw.keySet().size() + " weights");
        }
        Map<String, PartChange> parts = new LinkedHashMap<>();
        parts.put("embed", new PartChange("embed", 0, 0, 0));
        for (int i = 0; i < base.config().numLayers(); i++) parts.put("layer." + i, new PartChange("layer." + i, 0, 0, 0));
        parts.put("head", new PartChange("head", 0, 0, 0));
        PartChange all = new PartChange(DriftRow.ALL, 0, 0, 0);
        for (Map.Entry<String, Tensor> e : bw.entrySet()) {
            Tensor b = e.getValue(), f = fw.get(e.getKey());
            double d2, b2;
            try (NativeScope scope = NativeScope.open()) {
                Tensor b64 = b.to(ScalarType.Double);
                Tensor f64 = f.to(ScalarType.Double);
                Tensor diff = f64.sub(b64);
                d2 = diff.mul(diff).sum().item_double();
                b2 = b64.mul(b64).sum().item_double();
            }
            String part = partOf(e.getKey());
            parts.put(part, parts.get(part).plus(d2, b2, b.numel()));
            all = all.plus(d2, b2, b.numel());
        }
        parts.put(DriftRow.ALL, all);
        return parts;
    }

    /** {@code model.layers.3.mlp.up_proj.weight} → {@code layer.3}; embeddings → embed; the rest → head. */
    static String partOf(String weightName) {
        if (weightName.startsWith("model.layers.")) {
            int end = weightName.indexOf('.', "model.layers.".length());
            return "layer." + weightName.substring("model.layers.".length(), end);
        }
        return weightName.startsWith("model.embed_tokens.") ? "embed" : "head";
    }

    /** Positions sent through the output head together: a {@code (rows, V)} slice stays a few MB (32 rows of 32k floats: 4 MB). */
    static final int HEAD_ROWS = 32;

    /**
     * Mean of KL(p_base ‖ p_ft) over every position of every prompt. Prompts are right-padded to
     * the batch's longest; under causal attention pads never influence real positions. Only real
     * positions reach the output heads, {@link #HEAD_ROWS} at a time: full {@code (B, T, V)}
     * log-probabilities of two models cost hundreds of MB of fresh memory per batch, which took
     * 16 s per fine-tuned model of the quick study (docs/engine.md).
     */
    static MeanKl meanKl(LlamaModel base, LlamaModel ft, List<long[]> prompts, int batchSize) {
        double sum = 0;
        long positions = 0;
        for (int from = 0; from < prompts.size(); from += batchSize) {
            List<long[]> batch = prompts.subList(from, Math.min(prompts.size(), from + batchSize));
            int n = batch.size(), width = batch.stream().mapToInt(p -> p.length).max().orElseThrow();
            long[] ids = new long[n * width];
            List<Long> real = new ArrayList<>();
            for (int b = 0; b < n; b++) {
                long[] p = batch.get(b);
                for (int t = 0; t < p.length; t++) {
                    ids[b * width + t] = p[t];
                    real.add((long) b * width + t);
                }
            }
            positions += real.size();
            try (NativeScope scope = NativeScope.open()) {
                var dev = base.device().device();
                Tensor in = Tensor.create(ids, n, width).to(dev, ScalarType.Long);                          // (B, T)
                Tensor pos = Tensors.positions(n, width).to(dev, ScalarType.Long);                         // (B, T)
                Tensor where = Tensor.create(real.stream().mapToLong(Long::longValue).toArray(), real.size()).to(dev, ScalarType.Long);
                Tensor hBase = realRows(base.hidden(in, pos, null, null), where);                            // (N, C)
                Tensor hFt = realRows(ft.hidden(in, pos, null, null), where);                                // (N, C)
                for (long r = 0; r < real.size(); r += HEAD_ROWS) {
                    try (NativeScope chunk = NativeScope.open()) {
                        long rows = Math.min(HEAD_ROWS, real.size() - r);
                        Tensor lpBase = log_softmax(base.logits(hBase.narrow(0, r, rows)).to(ScalarType.Float), -1);  // (rows, V)
                        Tensor lpFt = log_softmax(ft.logits(hFt.narrow(0, r, rows)).to(ScalarType.Float), -1);        // (rows, V)
                        sum += kl_div(lpFt, lpBase, SUM, true).to(ScalarType.Double).item_double();  // Σ p_base (log p_base − log p_ft)
                    }
                }
            }
        }
        return new MeanKl(positions == 0 ? Double.NaN : sum / positions, positions);
    }

    /** libtorch's reduction code for a sum (at::Reduction::Sum). */
    private static final long SUM = 2;

    private static Tensor realRows(Tensor hidden, Tensor where) {                                          // (B, T, C) -> (N, C)
        return hidden.reshape(-1, hidden.size(2)).index_select(0, where);
    }

    @Override
    public void close() {
        base.close();
    }
}
