package org.crossgen.infer;

import static org.bytedeco.pytorch.global.torch.log_softmax;

import java.util.Arrays;
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
 * (up to kernel rounding). Only the positions that are scored go through the output head.
 * A {@link SharedPrefix} that every context starts with is taken from its cache, not recomputed.
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
        return logLikelihood(contexts, continuations, null);
    }

    /** As {@link #logLikelihood(List, List)}, every context starting with {@code prefix} (or null: none). */
    public LogLikelihood[] logLikelihood(List<long[]> contexts, List<long[]> continuations, SharedPrefix prefix) {
        int n = contexts.size();
        if (continuations.size() != n) throw new IllegalArgumentException("contexts and continuations differ in number");
        int p = prefix == null ? 0 : prefix.length();
        long[][] rows = new long[n][];                 // the model's input: context + continuation minus its last token
        int scored = 0;
        for (int b = 0; b < n; b++) {
            long[] ctx = contexts.get(b), cont = continuations.get(b);
            if (ctx.length == 0) throw new IllegalArgumentException("context " + b + " is empty; start it with BOS");
            if (ctx.length <= p) throw new IllegalArgumentException("context " + b + " is not longer than the shared prefix");
            long[] seq = concat(prefix == null ? ctx : prefix.strip(ctx), cont);
            rows[b] = Arrays.copyOf(seq, seq.length - 1);
            scored += cont.length;
        }
        // the continuation of row b is predicted at columns ctx-1-p .. ctx-1-p+cont-1 of its row
        long[] at = new long[scored];
        long[] targets = new long[scored];
        int width = Arrays.stream(rows).mapToInt(r -> r.length).max().orElse(0);
        for (int b = 0, k = 0; b < n; b++) {
            int first = contexts.get(b).length - 1 - p;
            long[] cont = continuations.get(b);
            for (int j = 0; j < cont.length; j++, k++) {
                at[k] = (long) b * width + first + j;
                targets[k] = cont[j];
            }
        }
        float[] logp = new float[0];
        long[] argmax = new long[0];
        if (scored > 0) {
            try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
                var dev = model.device().device();
                Tensor h = hidden(rows, width, prefix);                                                  // (B, T, C)
                Tensor picked = h.reshape(-1, h.size(2)).index_select(0, Tensor.create(at).to(dev, ScalarType.Long)); // (N, C)
                Tensor lp = log_softmax(model.logits(picked).to(ScalarType.Float), -1);                  // (N, V)
                logp = Tensors.toFloats(lp.gather(1, Tensor.create(targets, scored, 1).to(dev, ScalarType.Long)));  // (N, 1)
                argmax = Tensors.toLongs(lp.argmax(new LongOptional(1), false));                         // (N)
            }
        }
        LogLikelihood[] out = new LogLikelihood[n];
        for (int b = 0, k = 0; b < n; b++) {
            int cont = continuations.get(b).length;
            double sum = 0;
            boolean greedy = true;
            for (int j = 0; j < cont; j++, k++) {
                sum += logp[k];
                greedy &= argmax[k] == targets[k];
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
        return nextTokenLogits(contexts, candidates, null);
    }

    /** As {@link #nextTokenLogits(List, long[])}, every context starting with {@code prefix} (or null: none). */
    public float[][] nextTokenLogits(List<long[]> contexts, long[] candidates, SharedPrefix prefix) {
        int n = contexts.size();
        long[][] rows = new long[n][];
        long[] last = new long[n];
        for (int b = 0; b < n; b++) {
            long[] c = contexts.get(b);
            if (c.length == 0) throw new IllegalArgumentException("context " + b + " is empty; start it with BOS");
            rows[b] = prefix == null ? c : prefix.strip(c);
            if (rows[b].length == 0) throw new IllegalArgumentException("context " + b + " is not longer than the shared prefix");
            last[b] = rows[b].length - 1;
        }
        int width = Arrays.stream(rows).mapToInt(r -> r.length).max().orElse(0);
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            var dev = model.device().device();
            Tensor h = hidden(rows, width, prefix);                                                          // (B, T, C)
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

    /** Hidden states {@code (B, width, C)} of the rows right-padded to {@code width}, after the prefix if any. */
    private Tensor hidden(long[][] rows, int width, SharedPrefix prefix) {
        int n = rows.length;
        long[] ids = new long[n * width];
        Arrays.fill(ids, padId);
        for (int b = 0; b < n; b++) System.arraycopy(rows[b], 0, ids, b * width, rows[b].length);
        var dev = model.device().device();
        Tensor in = Tensor.create(ids, n, width).to(dev, ScalarType.Long);
        if (prefix != null) return prefix.hiddenAfter(model, in);
        return model.hidden(in, Tensors.positions(n, width).to(dev, ScalarType.Long), null, null);
    }

    static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
