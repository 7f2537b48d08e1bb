package org.crossgen.train;

import java.nio.file.Path;

/**
 * The outcome of a run.
 *
 * @param steps        optimizer steps done in total (including those before a resume)
 * @param finalLoss    loss of the last step (nats per target token)
 * @param tokensPerS   real input tokens per second over the steps this process ran
 * @param wallS        wall seconds this process spent in {@code train()}
 * @param output       the final weights: an HF checkpoint folder, or a PEFT adapter folder for LoRA
 */
public record TrainResult(long steps, double finalLoss, double tokensPerS, double wallS, Path output) {}
