package org.crossgen.study;

import java.nio.file.Path;

/**
 * A model ready to evaluate: the folder to load and the key that identifies its weights.
 *
 * @param key     the base model's content identity, or the training job's key
 * @param dir     folder to load: the base model, or the job's published model (LoRA merged into the weights)
 * @param baseDir the base model's folder (the same as {@code dir} for a base model; its tokenizer serves a
 *                fine-tuned model without one)
 * @param name    readable name, written into evaluation summaries
 * @param adapter a PEFT adapter to apply to {@code dir}, or null
 */
public record ModelRef(String key, Path dir, Path baseDir, String name, StudySpec.Adapter adapter) {
    /** A model without adapter. */
    public ModelRef(String key, Path dir, Path baseDir, String name) {
        this(key, dir, baseDir, name, null);
    }
}
