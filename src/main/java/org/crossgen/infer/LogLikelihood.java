package org.crossgen.infer;

/**
 * The answer to a {@link Request.Loglikelihood}: log P(continuation | context) summed over the
 * continuation's tokens, as lm-evaluation-harness's {@code loglikelihood} returns it.
 *
 * @param logProb natural-log probability of the whole continuation (<= 0)
 * @param tokens  the continuation's length in tokens
 * @param greedy  whether greedy decoding from the context would produce exactly this continuation
 */
public record LogLikelihood(double logProb, int tokens, boolean greedy) {
    /** Log-probability per token (0 for an empty continuation): length-normalised scoring. */
    public double meanLogProb() {
        return tokens == 0 ? 0 : logProb / tokens;
    }
}
