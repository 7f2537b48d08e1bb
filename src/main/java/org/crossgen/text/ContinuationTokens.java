package org.crossgen.text;

import java.util.Arrays;

/**
 * Context and continuation token ids, split as lm-evaluation-harness splits them: trailing spaces
 * of the context move to the continuation, the pair is encoded as one string (so the
 * continuation's tokens are the ones the model would produce in context), and the continuation is
 * whatever follows the context's own encoding. The context gets exactly one BOS (unless asked not to).
 */
public record ContinuationTokens(long[] context, long[] continuation) {
    public static ContinuationTokens of(Tokenizer tokenizer, String context, String continuation) {
        return of(tokenizer, context, continuation, true);
    }

    /** As {@link #of(Tokenizer, String, String)}; {@code addBos == false}: no BOS before the context. */
    public static ContinuationTokens of(Tokenizer tokenizer, String context, String continuation, boolean addBos) {
        String ctx = context.stripTrailing();
        String cont = context.substring(ctx.length()) + continuation;
        long[] ctxIds = tokenizer.encode(ctx, addBos);
        long[] whole = tokenizer.encode(ctx + cont, addBos);
        if (whole.length < ctxIds.length || !Arrays.equals(ctxIds, Arrays.copyOf(whole, ctxIds.length))) {
            // a token merged across the boundary: fall back to encoding the continuation on its own
            return new ContinuationTokens(ctxIds, tokenizer.encode(cont, false));
        }
        return new ContinuationTokens(ctxIds, Arrays.copyOfRange(whole, ctxIds.length, whole.length));
    }
}
