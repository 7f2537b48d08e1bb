package org.crossgen.tensor;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * A per-step native-memory scope: every libtorch object created while it is open is freed when it
 * closes, except what is explicitly {@linkplain #keep kept}. Use one per training step, per decode
 * step, per batch:
 *
 * <pre>{@code
 * try (NativeScope step = NativeScope.open()) {
 *     Tensor logits = model.forward(ids);          // temporaries attach to the scope
 *     return step.keep(logits.select(1, -1));      // survives; the caller must release it
 * }
 * }</pre>
 *
 * <p>Long-lived tensors (parameters, optimizer state, a KV cache) are created outside any scope or
 * kept; their owner releases them with {@link #release}. Without scopes, native tensors are freed
 * only when the GC finalizes their Java handles, and resident memory grows until it does.
 */
public final class NativeScope implements AutoCloseable {
    private final PointerScope scope;

    private NativeScope() {
        Torch.init();
        this.scope = new PointerScope();
    }

    /** Opens a scope nested in the current one (if any). */
    public static NativeScope open() {
        return new NativeScope();
    }

    /**
     * Lets {@code t} outlive this scope. The returned tensor is owned by the caller, who frees it
     * with {@link #release} (or by attaching it to an outer scope).
     */
    public <P extends Pointer> P keep(P t) {
        t.retainReference();
        return t;
    }

    /** Frees a tensor previously {@linkplain #keep kept}; {@code null} is ignored. */
    public static void release(Pointer t) {
        if (t != null && !t.isNull()) t.releaseReference();
    }

    /** Keeps {@code t} alive independently of any open scope (for long-lived state). */
    public static Tensor retain(Tensor t) {
        t.retainReference();
        return t;
    }

    @Override
    public void close() {
        scope.close();
    }
}
