package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.globalContext;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.crossgen.tensor.Autocast;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;

/**
 * Activation checkpointing for one training forward and backward of a {@link LlamaModel}, per
 * decoder layer: the classic manual scheme behind {@code torch.utils.checkpoint}, which
 * libtorch's C++ API lacks. The forward runs the decoder layers without autograd, keeping only
 * each layer's input ({@code (B, T, C)}); {@link #backward} then walks the layers in reverse,
 * recomputes each one with autograd from a leaf copy of its input and back-propagates the incoming
 * gradient through it. Activation memory drops from every layer's intermediates to one input per
 * layer plus one layer's intermediates, for one extra forward pass.
 *
 * <p>Recomputation must repeat the forward exactly, so the random generator's state before each
 * layer is saved and restored (LoRA dropout draws the same masks), and the forward and the
 * recomputation run under the same autocast dtype.
 *
 * <pre>{@code
 * try (CheckpointedForward f = new CheckpointedForward(model, autocast)) {
 *     Tensor h = f.hidden(ids, positions);          // (B, T, C), final norm applied; a graph to a leaf
 *     lossOf(h).backward();                           // the head's gradients, and h's input gradient
 *     f.backward();                                   // every decoder layer and the embedding
 * }
 * }</pre>
 */
public final class CheckpointedForward implements AutoCloseable {
    private final LlamaModel model;
    private final DType autocast;
    private final List<Tensor> inputs = new ArrayList<>();      // layer i's input (B, T, C), owned, no graph
    private final List<Tensor> rngStates = new ArrayList<>();   // the generator's state before layer i, owned
    private Tensor embedded;                                    // embedding output with its graph, owned
    private Tensor top;                                         // last layer's output as a leaf, owned
    private Tensor cos, sin;                                    // (B, 1, T, D), owned

    /** @param autocast the forward's autocast dtype, or null for none */
    public CheckpointedForward(LlamaModel model, DType autocast) {
        this.model = model;
        this.autocast = autocast;
    }

    /**
     * The final-norm hidden states {@code (B, T, C)} of {@code ids} (B, T) at {@code positions}
     * (B, T), both on the model's device, with plain causal attention. The decoder layers run
     * without autograd; the result's graph reaches back to their output only.
     */
    public Tensor hidden(Tensor ids, Tensor positions) {
        if (top != null) throw new IllegalStateException("hidden() was already called on this CheckpointedForward");
        Generator rng = generator();
        try (NativeScope scope = NativeScope.open(); Autocast ac = Autocast.open(autocast, model.device())) {
            embedded = scope.keep(model.embed(ids));                                                    // (B, T, C)
            Tensor[] cs = model.rope().cosSin(positions, model.dtype().scalarType);
            cos = scope.keep(cs[0]);
            sin = scope.keep(cs[1]);
            Tensor x = scope.keep(embedded.detach());
            try (NoGradGuard ng = new NoGradGuard()) {
                for (DecoderLayer layer : model.layers()) {
                    inputs.add(x);
                    rngStates.add(scope.keep(rng.get_state()));
                    try (NativeScope step = NativeScope.open()) {
                        x = step.keep(layer.forward(x, cos, sin, null, null));                          // (B, T, C)
                    }
                }
            }
            top = x.requires_grad_(true);
        }
        try (Autocast ac = Autocast.open(autocast, model.device())) {
            return model.finalNorm(top);   // in the caller's scope, like LlamaModel.hidden's result
        }
    }

    /**
     * Back-propagates through the decoder layers and the embedding, after the caller's backward
     * from the loss has filled the gradient of {@link #hidden}'s result. Parameter gradients
     * accumulate as a plain backward would.
     */
    public void backward() {
        if (top == null) throw new IllegalStateException("call hidden() and the loss's backward() first");
        Tensor grad = top.grad();
        if (!grad.defined()) throw new IllegalStateException("the loss's backward() did not reach the decoder output");
        Generator rng = generator();
        try (NativeScope keep = NativeScope.open()) {
            grad = keep.keep(grad.detach());
        }
        for (int i = model.layers().size() - 1; i >= 0; i--) {
            Tensor next;
            try (NativeScope scope = NativeScope.open()) {
                Tensor in = inputs.get(i).detach().requires_grad_(true);                                 // a fresh leaf
                rng.set_state(rngStates.get(i));
                Tensor out;
                try (Autocast ac = Autocast.open(autocast, model.device())) {
                    out = model.layers().get(i).forward(in, cos, sin, null, null);
                }
                out.backward(grad, new BoolOptional(false), false, new TensorArrayRefOptional());
                next = scope.keep(in.grad().detach());
            }
            NativeScope.release(grad);
            NativeScope.release(inputs.set(i, null));   // this layer's input is no longer needed
            grad = next;
        }
        try (NativeScope scope = NativeScope.open()) {
            if (embedded.requires_grad()) embedded.backward(grad, new BoolOptional(false), false, new TensorArrayRefOptional());
        } finally {
            NativeScope.release(grad);
        }
    }

    private Generator generator() {
        return globalContext().defaultGenerator(model.device().device());
    }

    /** Frees the kept inputs, states and the graph (also after a failure half-way). */
    @Override
    public void close() {
        inputs.forEach(NativeScope::release);
        rngStates.forEach(NativeScope::release);
        inputs.clear();
        rngStates.clear();
        NativeScope.release(embedded);
        NativeScope.release(top);
        NativeScope.release(cos);
        NativeScope.release(sin);
        embedded = top = cos = sin = null;
    }
}
