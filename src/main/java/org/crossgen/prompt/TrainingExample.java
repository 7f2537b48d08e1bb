package org.crossgen.prompt;

/**
 * One fine-tuning example. The trainer encodes {@code BOS + prompt}, then {@code target + EOS},
 * and computes the loss on the target and EOS tokens only.
 *
 * @param prompt prompt text without BOS: the k demonstrations (FTICL; none for plain FT) and the
 *               filled template
 * @param target the record's output, following the prompt directly
 */
public record TrainingExample(String prompt, String target) {
    public TrainingExample {
        if (target.isEmpty()) throw new IllegalArgumentException("a training target must not be empty");
    }
}
