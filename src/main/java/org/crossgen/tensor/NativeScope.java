package org.crossgen.tensor;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

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
 * <p>Long-lived tensors (parameters, optimizer state, a KV cache) are kept; their owner releases
 * them with {@link #release}. Without scopes, native tensors are freed only when the GC finalizes
 * their Java handles, and resident memory grows until it does.
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
     * Lets {@code t} outlive this scope and every other. The returned tensor is owned by the caller,
     * who frees it with {@link #release}.
     */
    public <P extends Pointer> P keep(P t) {
        t.retainReference();
        return t;
    }

    /** Frees a tensor previously {@linkplain #keep kept}; {@code null} is ignored. */
    public static void release(Pointer t) {
        if (t != null && !t.isNull()) t.releaseReference();
    }

    @Override
    public void close() {
        scope.close();
    }
}
