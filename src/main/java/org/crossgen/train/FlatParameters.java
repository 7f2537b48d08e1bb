package org.crossgen.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.NativeScope;

/**
 * A run's trainable tensors laid end to end in one flat weight buffer and one flat gradient
 * buffer (what PyTorch FSDP calls a flat parameter, DDP {@code gradient_as_bucket_view}). Every
 * trainable tensor becomes a view of the weight buffer ({@code set_}, so the model's layers see it),
 * and its {@code .grad} a view of the gradient buffer, which autograd accumulates into in place.
 * So the optimizer, the gradient all-reduce and ZeRO's shards work on a few large contiguous
 * tensors instead of hundreds of small ones.
 *
 * <p>Layout: the weight-decay group first (matrices), then the no-decay group (norms, biases,
 * vectors), each in the model's order, then zero padding to a multiple of the world size so every
 * rank's shard has the same length.
 */
final class FlatParameters implements AutoCloseable {
    /** One trainable tensor's place in the flat buffers. */
    record Segment(String name, long offset, long numel, long[] shape) {}

    private final Map<String, Tensor> params;   // own handles on the model's tensors (the same TensorImpls), owned
    final List<Segment> segments;
    /** Elements {@code [0, decayNumel)} get weight decay. */
    final long decayNumel;
    /** Real elements, without padding. */
    final long numel;
    /** A multiple of the world size. */
    final long paddedNumel;
    /** (paddedNumel) in the weights' dtype and device; owned. */
    final Tensor weights;
    /** (paddedNumel) same dtype and device; owned, zeroed by {@link #zeroGrad}. */
    final Tensor grads;

    /**
     * Moves {@code params} (same dtype and device, in model order) into flat buffers, sets
     * {@code requires_grad} on each and points each gradient at its slice of the gradient buffer.
     */
    FlatParameters(Map<String, Tensor> params, int worldSize) {
        if (params.isEmpty()) throw new IllegalArgumentException("no trainable tensors");
        this.params = new LinkedHashMap<>();
        try (NativeScope scope = NativeScope.open()) {   // our handles stay valid if the model's or adapter's are closed first
            params.forEach((name, t) -> this.params.put(name, scope.keep(new Tensor(t))));
        }
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) if (AdamW.decays(e.getKey(), e.getValue())) ordered.add(e);
        long decay = ordered.stream().mapToLong(e -> e.getValue().numel()).sum();
        for (Map.Entry<String, Tensor> e : params.entrySet()) if (!AdamW.decays(e.getKey(), e.getValue())) ordered.add(e);
        List<Segment> segs = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : ordered) {
            segs.add(new Segment(e.getKey(), offset, e.getValue().numel(), e.getValue().shape()));
            offset += e.getValue().numel();
        }
        this.segments = List.copyOf(segs);
        this.decayNumel = decay;
        this.numel = offset;
        this.paddedNumel = (offset + worldSize - 1) / worldSize * worldSize;
        Tensor first = params.values().iterator().next();
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            this.weights = scope.keep(first.new_zeros(paddedNumel));    // same dtype and device
            this.grads = scope.keep(first.new_zeros(paddedNumel));
            for (Segment s : segments) {
                Tensor p = params.get(s.name());
                p.requires_grad_(false);
                Tensor slot = slice(weights, s);
                slot.copy_(p);
                p.set_(slot);                                  // the model's tensor now lives in the flat buffer
                p.requires_grad_(true);
                p.mutable_grad().put(slice(grads, s));        // autograd accumulates into the flat gradient
            }
        }
    }

    private static Tensor slice(Tensor flat, Segment s) {
        return flat.narrow(0, s.offset(), s.numel()).view(s.shape());
    }

    /** Zeroes every gradient (one kernel over the flat buffer). */
    void zeroGrad() {
        try (NativeScope scope = NativeScope.open()) {
            grads.zero_();
        }
    }

    /** The trainable tensors by name, in model order (views of {@link #weights}). */
    Map<String, Tensor> tensors() {
        return params;
    }

    /** Stops training: gradients are dropped; the tensors keep the flat buffer alive as their storage. */
    @Override
    public void close() {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            for (Tensor p : params.values()) {
                p.mutable_grad().put(new Tensor());
                p.requires_grad_(false);
            }
        }
        params.values().forEach(NativeScope::release);
        NativeScope.release(grads);
        NativeScope.release(weights);
    }
}
