package org.crossgen.study;

import java.nio.file.Path;

/**
 * Fine-tunes a base model as a training job says. The study runner calls it with a fresh, empty
 * temporary folder and renames that folder to the job's checkpoint folder only after
 * {@code train} returns, so a killed training never leaves a checkpoint that looks finished.
 */
@FunctionalInterface
public interface Trainer {
    /**
     * Trains {@code job} and writes the result into {@code outDir}: a Hugging Face checkpoint
     * (config.json + safetensors, tokenizer files optional: the base model's are used when absent)
     * or a LoRA adapter (adapter_config.json + adapter_model.safetensors).
     */
    void train(TrainingJob job, Path outDir) throws Exception;
}
