package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.cat;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.crossgen.tensor.NativeScope;

/**
 * Linear layers that read the same input ({@code q/k/v}, {@code gate/up}) run as one product when
 * a single row is decoded: one matrix-vector product reads all their weights in one pass, where
 * separate ones pay a call, a thread wake-up and a short product each. That is 21-24% more batch-1
 * decoding tokens/s on the bench's 58M shape, fp32 and bf16, in paired runs; with more rows (a
 * batch, a prompt, training) the separate products are as fast or faster, so those keep them.
 *
 * <p>Only weights that do not require gradients are fused. The fused weight is built at the first
 * single-row call and the parts' weights are then moved into it ({@code set_} to views of its rows),
 * so no weight is held twice and the checkpoint names and layout stay. Anything that later gives a
 * part other memory (training's owned copies, a flat parameter buffer) or an adapter ends the
 * fusion for good: the parts run separately again.
 */
final class FusedProjections implements AutoCloseable {
    private final Linear[] parts;
    private Tensor weight;          // (sum of outs, in), owned; null until built or once ended
    private Tensor bias;            // (sum of outs) or null, owned
    private long[] addresses;       // each part's weight address when built
    private boolean ended;

    FusedProjections(Linear... parts) {
        this.parts = parts;
    }

    /** Each part's output for {@code x}: one fused product for a single row where it may, else each part's own. */
    Tensor[] forward(Tensor x) {
        Tensor[] out = new Tensor[parts.length];
        if (!fused(x)) {
            for (int i = 0; i < parts.length; i++) out[i] = parts[i].forward(x);
            return out;
        }
        Tensor y = Linear.apply(x, weight, bias);                      // (..., sum of outs)
        long offset = 0;
        for (int i = 0; i < parts.length; i++) {
            long n = parts[i].outFeatures();
            out[i] = y.narrow(-1, offset, n);
            offset += n;
        }
        return out;
    }

    /** Whether {@code x} goes through the fused weight, building it on first use. */
    private boolean fused(Tensor x) {
        if (ended || !Linear.singleRow(x, parts[0].inFeatures()) || !fusable()) return false;
        if (weight == null) build();
        else if (!aliased()) end();
        return !ended;
    }

    private boolean fusable() {
        for (Linear p : parts) {
            // a trainable weight may live in a flat parameter buffer, which moving it would break
            if (p.lora != null || p.weight.requires_grad() || (p.bias == null) != (parts[0].bias == null)) return false;
            if (p.weight.scalar_type().intern() != parts[0].weight.scalar_type().intern()) return false;
        }
        return true;
    }

    private void build() {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            weight = scope.keep(cat(vector(false), 0));
            if (parts[0].bias != null) bias = scope.keep(cat(vector(true), 0));
            addresses = new long[parts.length];
            long offset = 0;
            for (int i = 0; i < parts.length; i++) {
                long n = parts[i].outFeatures();
                parts[i].weight.set_(weight.narrow(0, offset, n));
                if (bias != null) parts[i].bias.set_(bias.narrow(0, offset, n));
                addresses[i] = parts[i].weight.data_ptr().address();
                offset += n;
            }
        }
    }

    private TensorVector vector(boolean biases) {
        TensorVector v = new TensorVector();
        for (Linear p : parts) v.push_back(biases ? p.bias : p.weight);
        return v;
    }

    /** Whether every part still lives where {@link #build} put it. */
    private boolean aliased() {
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].weight.data_ptr().address() != addresses[i]) return false;
        }
        return true;
    }

    private void end() {
        ended = true;
        close();
    }

    @Override
    public void close() {
        NativeScope.release(weight);
        NativeScope.release(bias);
        weight = null;
        bias = null;
    }
}
