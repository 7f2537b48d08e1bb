package org.crossgen.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.Tensors;

/** Tiny models and a learnable toy task for the trainer's tests. */
final class TinyTask {
    static final int VOCAB = 48;

    private TinyTask() {}

    /** vocab 48, hidden 32, 2 layers, 4 heads / 2 kv heads, ffn 64, untied: ~16k parameters. */
    static LlamaModel model(long seed) {
        return model(seed, DType.FLOAT32);
    }

    static LlamaModel model(long seed, DType dtype) {
        return LlamaModel.random(LlamaConfig.of(VOCAB, 32, 2, 4, 2, 64, false), seed, dtype, ComputeDevice.CPU);
    }

    /**
     * "Copy the prompt's last two tokens in reverse": prompt {@code BOS x1..xk}, target {@code xk x(k-1)}.
     * Prompt lengths vary (k in 2..6) so batches need padding.
     */
    static List<SftExample> examples(int n, long seed) {
        Random r = new Random(seed);
        List<SftExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = 2 + r.nextInt(5);
            long[] prompt = new long[k + 1];
            prompt[0] = 1;
            for (int j = 1; j <= k; j++) prompt[j] = 3 + r.nextInt(VOCAB - 3);
            out.add(new SftExample(prompt, new long[] {prompt[k], prompt[k - 1]}));
        }
        return out;
    }

    static Map<String, float[]> snapshot(Map<String, Tensor> tensors) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, Tensors.toFloats(v.detach())));
        return out;
    }

    static double maxAbsDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double worst = 0;
        for (String k : a.keySet()) {
            float[] x = a.get(k), y = b.get(k);
            for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }
}
