package org.crossgen.train;

/**
 * What one optimizer step did; one line of {@code metrics.jsonl}.
 *
 * @param step           optimizer steps done so far (1-based)
 * @param totalSteps     optimizer steps the whole run takes
 * @param epoch          fractional epoch reached ({@code 1.5} = half-way through the second)
 * @param loss           mean cross-entropy (nats) over the step's target tokens
 * @param lr             learning rate used by this step
 * @param gradNorm       global L2 norm of the gradient before clipping
 * @param tokens         real (non-padding) input tokens the step processed
 * @param tokensPerS     {@code tokens} / the step's wall time
 * @param elapsedS       wall seconds since this process started training
 */
public record StepMetrics(long step, long totalSteps, double epoch, double loss, double lr, double gradNorm,
                          long tokens, double tokensPerS, double elapsedS) {}
