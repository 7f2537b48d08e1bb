package org.crossgen.bench;

import static org.bytedeco.pytorch.global.torch.zeros_like;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.infer.GreedyGenerator;
import org.crossgen.infer.StopCondition;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.Autocast;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.OpenBlasCore;
import org.crossgen.tensor.Tensors;
import org.crossgen.tensor.Torch;
import org.crossgen.train.ThreadedBackward;

/**
 * Engine throughput as a fraction of what this machine can do, each limit measured in the same
 * run: forward+backward tokens/s against the matmul peak (float32, and bfloat16 under autocast),
 * batch-1 KV-cache decoding against the memory-read bandwidth (float32 and bfloat16 weights),
 * batch 16 against batch 1, and bfloat16 training against PyTorch from Python when it is installed.
 *
 * <p>A shared machine's load drifts, so every round measures each limit right before the
 * workload it judges, and the report gives the median ratio over rounds with its range.
 */
public final class EngineBench {
    /** The sizes one run uses. */
    public record Workload(LlamaConfig config, int trainBatch, int trainSeq, int decodePrompt, int decodeTokens,
                           int decodeBatch, int matmulSize, long bandwidthBytes) {
        public Workload {
            if (trainSeq < 2 || decodeTokens < 3 || decodePrompt < 1 || trainBatch < 1 || decodeBatch < 1) {
                throw new IllegalArgumentException("need trainSeq >= 2, decodeTokens >= 3 and positive sizes");
            }
        }

        /**
         * The issue-12 shape: ~58M parameters, training 4 x 256, decoding 128 tokens after a 32-token prompt
         * (128 as llama.cpp's llama-bench {@code tg128}: steady decoding, not the first steps after a prefill,
         * during which OpenBLAS's worker still spins on its GEMMs; docs/engine.md, Decoding).
         */
        public static Workload standard() {
            return new Workload(shape58m(), 4, 256, 32, 128, 16, 2048, 1L << 30);
        }
    }

    /** The ~58M-parameter shape of the engine measurements: d 512, 8 layers, 8 heads, MLP 1376, vocab 32000. */
    public static LlamaConfig shape58m() {
        return LlamaConfig.of(32000, 512, 8, 8, 8, 1376, false);
    }

    private static final int LIMIT_REPS = 3;
    private static final String PYTORCH = "pytorch_bf16_train_tokens_per_s";
    /** Training steps, crossgen's and PyTorch's alike: warm-up steps before the rounds, and the median of each round's steps. */
    private static final int TRAIN_WARMUP = 2, TRAIN_STEPS = 3;
    /** Decodes per round and figure, of which the median counts, as the limits take the median of their repetitions. */
    private static final int DECODE_RUNS = 3;

    private final Workload w;
    private final ComputeDevice device;
    private final int rounds;
    private final List<String> pythons;
    private final PrintWriter log;
    private ThreadedBackward threaded;   // open while run() measures training, where the trainer would use one

    /**
     * @param pythons Pythons to try for the PyTorch reference; empty skips it
     * @param log     receives progress and the report
     */
    public EngineBench(Workload workload, ComputeDevice device, int rounds, List<String> pythons, PrintWriter log) {
        if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        this.w = workload;
        this.device = device;
        this.rounds = rounds;
        this.pythons = List.copyOf(pythons);
        this.log = log;
    }

    /** Runs every measurement and returns the report as flat JSON-ready values (see docs/engine.md). */
    public Map<String, Object> run() {
        LlamaConfig c = w.config();
        Map<String, List<Double>> m = new LinkedHashMap<>();
        Map<String, Object> report = new LinkedHashMap<>();
        try (LlamaModel fp32 = LlamaModel.random(c, 1234, DType.FLOAT32, device);
             LlamaModel bf16 = LlamaModel.random(c, 1234, DType.BFLOAT16, device)) {
            report.put("parameters", fp32.parameterCount());
            report.put("device", device.toString());
            report.put("intra_op_threads", Torch.threads());
            report.put("blas_threads", Torch.blasThreads());
            report.put("blas_core", Torch.blasCore());
            report.put("rounds", rounds);
            log.printf("model: %,d parameters (d %d, %d layers, %d heads, MLP %d, vocab %d), %s, %d intra-op threads, "
                            + "%d OpenBLAS thread(s) (%s kernels) for the model (limits use all cores)%n",
                    fp32.parameterCount(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.intermediateSize(), c.vocabSize(),
                    device, Torch.threads(), Torch.blasThreads(), Torch.blasCore());
            Map<String, String> env = System.getenv();
            report.put("glibc_tunables", env.getOrDefault(TUNABLES, ""));
            report.put("omp_wait_policy", env.getOrDefault(WAIT_POLICY, ""));
            log.println(environment(env));
            String blasNote = device.isCuda() ? null : OpenBlasCore.note();
            if (blasNote != null) log.println("note: " + blasNote);
            String decoding = LlamaModel.batchOneDecoding();
            report.put("decode_b1_kernel", decoding);
            log.println("batch-1 decoding: " + decoding);
            PytorchReference.Python python = python(report);
            Tensor ids;
            try (NativeScope scope = NativeScope.open()) {
                ids = scope.keep(Tensor.create(new Random(42).longs((long) w.trainBatch() * w.trainSeq(), 0, c.vocabSize())
                        .toArray(), w.trainBatch(), w.trainSeq()).to(device.device(), ScalarType.Long));
            }
            try {
                fp32.namedWeights().values().forEach(p -> {
                    p.requires_grad_(true);
                    p.mutable_grad().put(zeros_like(p));   // dense and defined, as the trainer's flat gradient buffer
                });
                fp32.sparseEmbeddingGradient(true);        // as the trainer
                threaded = ThreadedBackward.open(List.copyOf(fp32.namedWeights().values()), device);   // as the trainer does
                int blocks = threaded == null ? 1 : threaded.blocksFor(w.trainBatch());
                report.put("train_backward_threads", blocks);
                log.println("training: " + (blocks > 1 ? "backward on " + blocks + " threads, one row block each (as the trainer)"
                        : "backward on the calling thread"));
                for (int i = 0; i < TRAIN_WARMUP; i++) {   // warm-ups: allocator, oneDNN primitives, as PyTorch gets
                    trainTokensPerSecond(fp32, ids, DType.FLOAT32);
                    trainTokensPerSecond(fp32, ids, DType.BFLOAT16);
                }
                for (int i = 0; i < 2; i++) {   // batch-1 decoding in Java (RowDecoder) runs compiled after ~100 steps
                    decodeTokensPerSecond(fp32, 1);
                    decodeTokensPerSecond(bf16, 1);
                }
                for (int r = 1; r <= rounds; r++) {
                    add(m, "fp32_matmul_gflops", () -> HardwareLimits.matmulGflops(DType.FLOAT32, w.matmulSize(), LIMIT_REPS, device));
                    add(m, "fp32_train_tokens_per_s", () -> medianOf(TRAIN_STEPS, () -> trainTokensPerSecond(fp32, ids, DType.FLOAT32)));
                    add(m, "bf16_matmul_gflops", () -> HardwareLimits.matmulGflops(DType.BFLOAT16, w.matmulSize(), LIMIT_REPS, device));
                    add(m, "bf16_train_tokens_per_s", () -> medianOf(TRAIN_STEPS, () -> trainTokensPerSecond(fp32, ids, DType.BFLOAT16)));
                    if (python != null && !pytorchRound(python, m, report)) python = null;
                    add(m, "read_bandwidth_gb_s", () -> HardwareLimits.readBandwidthGbs(w.bandwidthBytes(), LIMIT_REPS, device));
                    add(m, "decode_b1_tokens_per_s", () -> medianOf(DECODE_RUNS, () -> decodeTokensPerSecond(fp32, 1)));
                    add(m, "decode_b1_bf16_tokens_per_s", () -> medianOf(DECODE_RUNS, () -> decodeTokensPerSecond(bf16, 1)));
                    add(m, "decode_b16_tokens_per_s", () -> medianOf(DECODE_RUNS, () -> decodeTokensPerSecond(fp32, w.decodeBatch())));
                    log.printf("round %d/%d: %s%n", r, rounds, lastOfEach(m));
                    log.flush();
                }
            } finally {
                if (threaded != null) threaded.close();
                threaded = null;
                fp32.sparseEmbeddingGradient(false);
                fp32.namedWeights().values().forEach(p -> {
                    p.mutable_grad().put(new Tensor());
                    p.requires_grad_(false);
                });
                NativeScope.release(ids);
            }
        }
        Map<String, Spread> ratios = ratios(m);
        m.forEach((k, v) -> report.put(k, Spread.of(v).median()));
        ratios.forEach((k, v) -> report.put(k, v.median()));
        Map<String, Object> ranges = new LinkedHashMap<>();
        m.forEach((k, v) -> ranges.put(k, range(Spread.of(v))));
        ratios.forEach((k, v) -> ranges.put(k, range(v)));
        report.put("ranges", ranges);
        print(report, ratios);
        return report;
    }

    /** Per round: throughput over the limit measured just before it. */
    private Map<String, Spread> ratios(Map<String, List<Double>> m) {
        LlamaConfig c = w.config();
        double trainFlops = ModelCost.trainFlopsPerToken(c, w.trainSeq());
        long cached = w.decodePrompt() + w.decodeTokens() / 2;        // mean cache length over the timed steps
        double fp32Bytes = ModelCost.decodeBytesPerToken(c, DType.FLOAT32.bytes, cached);
        double bf16Bytes = ModelCost.decodeBytesPerToken(c, DType.BFLOAT16.bytes, cached);
        Map<String, Spread> r = new LinkedHashMap<>();
        r.put("fp32_train_peak_ratio", perRound(m, "fp32_train_tokens_per_s", "fp32_matmul_gflops", trainFlops / 1e9));
        r.put("bf16_train_peak_ratio", perRound(m, "bf16_train_tokens_per_s", "bf16_matmul_gflops", trainFlops / 1e9));
        r.put("decode_b1_bandwidth_ratio", perRound(m, "decode_b1_tokens_per_s", "read_bandwidth_gb_s", fp32Bytes / 1e9));
        r.put("decode_b1_bf16_bandwidth_ratio", perRound(m, "decode_b1_bf16_tokens_per_s", "read_bandwidth_gb_s", bf16Bytes / 1e9));
        r.put("decode_b16_vs_b1", perRound(m, "decode_b16_tokens_per_s", "decode_b1_tokens_per_s", 1));
        if (m.containsKey(PYTORCH)) r.put("bf16_vs_pytorch", perRound(m, "bf16_train_tokens_per_s", PYTORCH, 1));
        return r;
    }

    private static Spread perRound(Map<String, List<Double>> m, String value, String limit, double scale) {
        List<Double> ratio = new ArrayList<>();
        for (int i = 0; i < m.get(value).size(); i++) ratio.add(m.get(value).get(i) * scale / m.get(limit).get(i));
        return Spread.of(ratio);
    }

    /** The Python that runs the PyTorch reference, said in the log and the report; null when there is none. */
    private PytorchReference.Python python(Map<String, Object> report) {
        if (pythons.isEmpty()) {
            report.put("pytorch", "not run (no Python given)");
            return null;
        }
        try {
            PytorchReference.Python py = PytorchReference.find(pythons);
            report.put("pytorch", py.command() + ", torch " + py.torchVersion());
            log.printf("PyTorch reference: %s, torch %s, bf16 autocast, %d x %d, in each round after crossgen's step: the median of "
                    + "%d steps after %d warm-up steps%n", py.command(), py.torchVersion(), w.trainBatch(), w.trainSeq(), TRAIN_STEPS, TRAIN_WARMUP);
            return py;
        } catch (IOException e) {
            report.put("pytorch", "not run: " + e.getMessage());
            return null;
        }
    }

    /**
     * PyTorch's bf16 forward+backward in this round, right after crossgen's, with this run's intra-op
     * threads: the median of {@value #TRAIN_STEPS} steps after {@value #TRAIN_WARMUP} warm-up steps
     * (its first two are slow: {@link PytorchReference#measure}). One run after all rounds met whatever
     * phase this VM was in by then. False, with the reason in the report, when it fails; the rounds go on
     * without it.
     */
    private boolean pytorchRound(PytorchReference.Python python, Map<String, List<Double>> m, Map<String, Object> report) {
        try {
            double tokensPerS = PytorchReference.measure(python, "bf16", w.trainBatch(), w.trainSeq(), TRAIN_WARMUP, TRAIN_STEPS,
                    Torch.threads()).tokensPerS();
            m.computeIfAbsent(PYTORCH, k -> new ArrayList<>()).add(tokensPerS);
            return true;
        } catch (IOException e) {
            report.put("pytorch", "not run: " + e.getMessage());
            m.remove(PYTORCH);
            return false;
        }
    }

    private void print(Map<String, Object> r, Map<String, Spread> ratios) {
        LlamaConfig c = w.config();
        log.printf("limits (median of %d rounds):  fp32 matmul %d^3 %.0f GFLOP/s | bf16 matmul %.0f GFLOP/s | memory read %.1f GB/s%n",
                rounds, w.matmulSize(), r.get("fp32_matmul_gflops"), r.get("bf16_matmul_gflops"), r.get("read_bandwidth_gb_s"));
        double flops = ModelCost.trainFlopsPerToken(c, w.trainSeq());
        String shape = w.trainBatch() + " x " + w.trainSeq();
        line("forward+backward " + shape + " fp32", (double) r.get("fp32_train_tokens_per_s"),
                String.format("%.0f GFLOP/s", (double) r.get("fp32_train_tokens_per_s") * flops / 1e9),
                ratios.get("fp32_train_peak_ratio"), "of fp32 peak", "goal 0.65");
        line("forward+backward " + shape + " bf16", (double) r.get("bf16_train_tokens_per_s"),
                String.format("%.0f GFLOP/s", (double) r.get("bf16_train_tokens_per_s") * flops / 1e9),
                ratios.get("bf16_train_peak_ratio"), "of bf16 peak", "goal 0.40");
        if (ratios.containsKey("bf16_vs_pytorch")) {
            Spread vs = ratios.get("bf16_vs_pytorch");
            log.printf("  PyTorch (%s) bf16: %.1f tokens/s; crossgen/PyTorch %.2fx (%.2f-%.2f, paired per round) (goal 1.2x)%n",
                    r.get("pytorch"), r.get(PYTORCH), vs.median(), vs.min(), vs.max());
        } else {
            log.printf("  PyTorch reference %s%n", r.get("pytorch"));
        }
        long cached = w.decodePrompt() + w.decodeTokens() / 2;
        line("decode batch 1 fp32 weights", (double) r.get("decode_b1_tokens_per_s"), String.format("%.0f MB/token",
                ModelCost.decodeBytesPerToken(c, 4, cached) / 1e6), ratios.get("decode_b1_bandwidth_ratio"), "of bandwidth", "goal 0.70");
        line("decode batch 1 bf16 weights", (double) r.get("decode_b1_bf16_tokens_per_s"), String.format("%.0f MB/token",
                ModelCost.decodeBytesPerToken(c, 2, cached) / 1e6), ratios.get("decode_b1_bf16_bandwidth_ratio"), "of bandwidth", "goal 0.70");
        line("decode batch " + w.decodeBatch() + " fp32 weights", (double) r.get("decode_b16_tokens_per_s"), "",
                ratios.get("decode_b16_vs_b1"), "x batch 1", "");
        log.flush();
    }

    private void line(String what, double tokensPerS, String work, Spread ratio, String of, String goal) {
        log.printf("%-34s %8.1f tokens/s %-16s %5.2f %s (%.2f-%.2f) %s%n", what, tokensPerS, work, ratio.median(), of,
                ratio.min(), ratio.max(), goal);
    }

    /**
     * Forward and backward of {@code ids} (next-token loss at every position), on row blocks in threads of
     * their own where the trainer would use them ({@link ThreadedBackward}), else on this thread.
     */
    private double trainTokensPerSecond(LlamaModel model, Tensor ids, DType compute) {
        int batch = w.trainBatch(), seq = w.trainSeq();
        long t0 = System.nanoTime();
        int parts = threaded == null ? 1 : threaded.blocksFor(batch);
        double positions = (double) batch * (seq - 1);
        try (NativeScope scope = NativeScope.open()) {
            if (parts > 1) {
                List<Callable<Tensor>> blocks = new ArrayList<>();
                for (int p = 0; p < parts; p++) {
                    long from = (long) batch * p / parts, to = (long) batch * (p + 1) / parts;
                    blocks.add(() -> nextTokenLossSum(model, ids.narrow(0, from, to - from), compute));
                }
                threaded.run(blocks, positions);
            } else {
                nextTokenLossSum(model, ids, compute).div(new Scalar(positions)).backward();
            }
        }
        long elapsed = System.nanoTime() - t0;
        try (NativeScope scope = NativeScope.open()) {   // the optimizer's side, untimed, as PyTorch's zero_grad in the reference
            model.namedWeights().values().forEach(p -> p.grad().zero_());
        }
        return batch * seq / (elapsed / 1e9);
    }

    /** The summed next-token loss of {@code rows} (B, T), in the caller's scope. */
    private Tensor nextTokenLossSum(LlamaModel model, Tensor rows, DType compute) {
        long b = rows.size(0), seq = rows.size(1);
        Tensor logits;
        try (Autocast ac = Autocast.open(compute, device)) {   // as the trainer: only positions with a target reach the head
            Tensor h = model.hidden(rows, Tensors.positions(b, seq).to(device.device(), ScalarType.Long), null, null);
            logits = model.logits(h.narrow(1, 0, seq - 1));                                               // (B, T-1, V)
        }
        return Tensors.crossEntropySum(logits.reshape(-1, w.config().vocabSize()), rows.narrow(1, 1, seq - 1).reshape(-1));
    }

    /** Tokens/s of the decode steps alone: the clock runs from the first generated token (after prefill) to the last. */
    private double decodeTokensPerSecond(LlamaModel model, int batch) {
        Random r = new Random(7);
        List<long[]> prompts = new ArrayList<>();
        for (int b = 0; b < batch; b++) prompts.add(r.longs(w.decodePrompt(), 3, w.config().vocabSize()).toArray());
        long[] clock = new long[2];
        GreedyGenerator gen = new GreedyGenerator(model, Set.of(), 0).onStep(step -> {
            if (step == 1) clock[0] = System.nanoTime();
            if (step == w.decodeTokens()) clock[1] = System.nanoTime();
        });
        gen.generate(prompts, w.decodeTokens(), StopCondition.NEVER);
        return (double) batch * (w.decodeTokens() - 1) / ((clock[1] - clock[0]) / 1e9);
    }

    private static final String TUNABLES = "GLIBC_TUNABLES", WAIT_POLICY = "OMP_WAIT_POLICY";

    /**
     * The two variables the launcher sets that change these figures most (docs/engine.md, Threads and
     * Memory pages): a bench run straight from {@code java} gets neither, and training runs slower.
     */
    static String environment(Map<String, String> env) {
        String tunables = env.get(TUNABLES), wait = env.get(WAIT_POLICY);
        String line = "environment: " + TUNABLES + "=" + (tunables == null ? "(unset)" : tunables) + ", " + WAIT_POLICY + "="
                + (wait == null ? "(unset)" : wait);
        return tunables == null || wait == null ? line + " (./crossgen sets both: docs/engine.md, Threads and Memory pages)" : line;
    }

    private static double medianOf(int n, DoubleSupplier measure) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < n; i++) values.add(measure.getAsDouble());
        return Spread.of(values).median();
    }

    private static void add(Map<String, List<Double>> m, String key, DoubleSupplier measure) {
        m.computeIfAbsent(key, k -> new ArrayList<>()).add(measure.getAsDouble());
    }

    private static String lastOfEach(Map<String, List<Double>> m) {
        StringBuilder s = new StringBuilder();
        m.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(String.format(" %.1f", v.get(v.size() - 1))));
        return s.toString();
    }

    private static List<Double> range(Spread s) {
        return List.of(s.min(), s.max());
    }
}
