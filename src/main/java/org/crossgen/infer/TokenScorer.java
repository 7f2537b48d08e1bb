package org.crossgen.infer;

import static org.bytedeco.pytorch.global.torch.log_softmax;

import java.util.List;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;

/**
 * Log-likelihood scoring on token ids. Sequences are right-padded: under causal attention a pad
 * after a sequence never changes its logits, so a batch scores exactly like single sequences
 * (up to kernel rounding).
 */
public final class TokenScorer {
    private final LlamaModel model;
    private final long padId;

    public TokenScorer(LlamaModel model, long padId) {
        this.model = model;
        this.padId = padId;
    }

    /**
     * Scores each {@code continuations[i]} after {@code contexts[i]} in one forward pass over the batch.
     * Contexts must be non-empty (start them with BOS).
     */
    public LogLikelihood[] logLikelihood(List<long[]> contexts, List<long[]> continuations) {
        int n = contexts.size();
        if (continuations.size() != n) throw new IllegalArgumentException("contexts and continuations differ in number");
        int width = 0;
        for (int b = 0; b < n; b++) {
            if (contexts.get(b).length == 0) throw new IllegalArgumentException("context " + b + " is empty; start it with BOS");
            width = Math.max(width, contexts.get(b).length + continuations.get(b).length - 1);
        }
        long[] ids = new long[n * width];
        long[] targets = new long[n * width];
        java.util.Arrays.fill(ids, padId);
        for (int b = 0; b < n; b++) {
            long[] seq = concat(contexts.get(b), continuations.get(b));
            for (int j = 0; j < seq.length - 1; j++) {
                ids[b * width + j] = seq[j];
                targets[b * width + j] = seq[j + 1];
            }
        }
        float[] logp;
        long[] argmax;
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor in = Tensor.create(ids, n, width).to(model.device().device(), ScalarType.Long);
            Tensor logits = model.forward(in, Tensors.positions(n, width).to(model.device().device(), ScalarType.Long), null, null);
            Tensor lp = log_softmax(logits.to(ScalarType.Float), -1);                               // (B, T, V)
            Tensor tgt = Tensor.create(targets, n, width, 1).to(model.device().device(), ScalarType.Long);
            logp = Tensors.toFloats(lp.gather(2, tgt));                                            // (B, T, 1)
            argmax = Tensors.toLongs(lp.argmax(new LongOptional(2), false));                       // (B, T)
        }
        LogLikelihood[] out = new LogLikelihood[n];
        for (int b = 0; b < n; b++) {
            int ctx = contexts.get(b).length, cont = continuations.get(b).length;
            double sum = 0;
            boolean greedy = true;
            for (int j = ctx - 1; j < ctx - 1 + cont; j++) {
                sum += logp[b * width + j];
                greedy &= argmax[b * width + j] == targets[b * width + j];
            }
            NanLogits.check(sum);
            out[b] = new LogLikelihood(sum, cont, greedy);
        }
        return out;
    }

    /**
     * The logits of the token after each context, restricted to {@code candidates}: the paper's
     * label scoring. Only the last position goes through the output head.
     *
     * @return [context][candidate] float32 logits
     */
    public float[][] nextTokenLogits(List<long[]> contexts, long[] candidates) {
        int n = contexts.size();
        int width = contexts.stream().mapToInt(c -> c.length).max().orElse(0);
        long[] ids = new long[n * width];
        long[] last = new long[n];
        java.util.Arrays.fill(ids, padId);
        for (int b = 0; b < n; b++) {
            long[] c = contexts.get(b);
            if (c.length == 0) throw new IllegalArgumentException("context " + b + " is empty; start it with BOS");
            System.arraycopy(c, 0, ids, b * width, c.length);
            last[b] = c.length - 1;
        }
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            var dev = model.device().device();
            Tensor in = Tensor.create(ids, n, width).to(dev, ScalarType.Long);
            Tensor h = model.hidden(in, Tensors.positions(n, width).to(dev, ScalarType.Long), null, null);  // (B, T, C)
            long c = h.size(2);
            Tensor idx = Tensor.create(last, n, 1, 1).to(dev, ScalarType.Long).expand(n, 1, c);
            Tensor logits = model.logits(h.gather(1, idx).squeeze(1));                                       // (B, V)
            Tensor picked = logits.index_select(1, Tensor.create(candidates).to(dev, ScalarType.Long));      // (B, K)
            float[] flat = Tensors.toFloats(picked);
            NanLogits.check(flat);
            float[][] out = new float[n][candidates.length];
            for (int b = 0; b < n; b++) System.arraycopy(flat, b * candidates.length, out[b], 0, candidates.length);
            return out;
        }
    }

    static long[] concat(long[] a, long[] b) {
        long[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
