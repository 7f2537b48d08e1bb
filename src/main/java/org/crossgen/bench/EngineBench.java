package org.crossgen.bench;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.bytedeco.pytorch.NoGradGuard;
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
import org.crossgen.tensor.Tensors;

/**
 * Engine throughput on a fixed Llama shape: forward+backward tokens/s (fp32, bf16 autocast) and
 * greedy decode tokens/s with the KV cache, each with a baseline measured in the same run
 * (fp32 for bf16; decoding by full recomputation for the KV cache; batch 1 for batch 16).
 */
public final class EngineBench {
    /** The ~58M-parameter shape of the engine measurements: d 512, 8 layers, 8 heads, MLP 1376, vocab 32000. */
    public static LlamaConfig shape58m() {
        return LlamaConfig.of(32000, 512, 8, 8, 8, 1376, false);
    }

    private final LlamaConfig config;
    private final ComputeDevice device;
    private final int steps;
    private final PrintWriter out;

    public EngineBench(LlamaConfig config, ComputeDevice device, int steps, PrintWriter out) {
        this.config = config;
        this.device = device;
        this.steps = steps;
        this.out = out;
    }

    public void run() {
        try (LlamaModel model = LlamaModel.random(config, 1234, DType.FLOAT32, device)) {
            out.printf("model: %,d parameters (d %d, %d layers, %d heads, MLP %d, vocab %d), device %s%n",
                    model.parameterCount(), config.hiddenSize(), config.numLayers(), config.numHeads(),
                    config.intermediateSize(), config.vocabSize(), device);
            model.namedWeights().values().forEach(p -> p.requires_grad_(true));
            double fp32 = trainTokensPerSecond(model, DType.FLOAT32, 4, 256);
            out.printf("forward+backward  batch 4 x 256  fp32        %9.1f tokens/s%n", fp32);
            double bf16 = trainTokensPerSecond(model, DType.BFLOAT16, 4, 256);
            out.printf("forward+backward  batch 4 x 256  bf16 (auto) %9.1f tokens/s  (%.2fx fp32)%n", bf16, bf16 / fp32);
            model.namedWeights().values().forEach(p -> p.requires_grad_(false));
            double recompute = recomputeTokensPerSecond(model, 32, 16);
            double b1 = decodeTokensPerSecond(model, 1, 32, 32);
            double b16 = decodeTokensPerSecond(model, 16, 32, 32);
            out.printf("greedy decode     no cache (baseline), batch 1 %7.1f tokens/s%n", recompute);
            out.printf("greedy decode     KV cache, batch 1            %7.1f tokens/s  (%.2fx no cache)%n", b1, b1 / recompute);
            out.printf("greedy decode     KV cache, batch 16           %7.1f tokens/s  (%.2fx batch 1)%n", b16, b16 / b1);
            out.flush();
        }
    }

    private double trainTokensPerSecond(LlamaModel model, DType compute, int batch, int seq) {
        Tensor ids;
        try (NativeScope scope = NativeScope.open()) {
            ids = scope.keep(Tensor.create(new Random(42).longs((long) batch * seq, 0, config.vocabSize()).toArray(), batch, seq)
                    .to(device.device(), ScalarType.Long));
        }
        try {
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < steps + 1; i++) {               // first step warms up
                long t0 = System.nanoTime();
                try (NativeScope scope = NativeScope.open()) {
                    Tensor logits;
                    try (Autocast ac = Autocast.open(compute, device)) {
                        logits = model.forward(ids, Tensors.positions(batch, seq), null, null);
                    }
                    Tensor loss = cross_entropy(logits.narrow(1, 0, seq - 1).reshape(-1, config.vocabSize()).to(ScalarType.Float),
                            ids.narrow(1, 1, seq - 1).reshape(-1));
                    loss.backward();
                    model.namedWeights().values().forEach(p -> p.grad().zero_());
                }
                if (i > 0) times.add((System.nanoTime() - t0) / 1e9);
            }
            return batch * seq / median(times);
        } finally {
            NativeScope.release(ids);
        }
    }

    private double decodeTokensPerSecond(LlamaModel model, int batch, int prompt, int newTokens) {
        Random r = new Random(7);
        List<long[]> prompts = new ArrayList<>();
        for (int b = 0; b < batch; b++) prompts.add(r.longs(prompt, 3, config.vocabSize()).toArray());
        GreedyGenerator gen = new GreedyGenerator(model, Set.of(), 0);
        gen.generate(prompts, 4, StopCondition.NEVER);           // warm-up
        long t0 = System.nanoTime();
        gen.generate(prompts, newTokens, StopCondition.NEVER);
        return (double) batch * newTokens / ((System.nanoTime() - t0) / 1e9);
    }

    /** Greedy decoding by re-running the whole sequence for each new token: what the cache saves. */
    private double recomputeTokensPerSecond(LlamaModel model, int prompt, int newTokens) {
        long[] seq = new Random(7).longs(prompt + newTokens, 3, config.vocabSize()).toArray();
        long t0 = System.nanoTime();
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int n = prompt; n < prompt + newTokens; n++) {
                try (NativeScope scope = NativeScope.open()) {
                    Tensor h = model.hidden(Tensor.create(java.util.Arrays.copyOf(seq, n), 1, n), Tensors.positions(1, n), null, null);
                    seq[n] = model.logits(h.select(1, n - 1)).argmax().item_long();
                }
            }
        }
        return newTokens / ((System.nanoTime() - t0) / 1e9);
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
