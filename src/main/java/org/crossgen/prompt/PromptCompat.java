package org.crossgen.prompt;

import java.util.Arrays;

/**
 * Whose rules turn prompt text into the model's first tokens and fit training text to its budget:
 * the vocabulary of a spec's {@code prompt_compat} and of {@code --prompt-compat}. docs/prompts.md
 * lists every difference.
 *
 * <ul>
 *   <li>{@link #CROSSGEN} (the default): one BOS token before every prompt; training prompts are
 *       fitted by dropping demonstrations, then cutting the input, and the target is never cut.</li>
 *   <li>{@link #PAPER}: the paper's code exactly. Zero-shot prompts are the literal text
 *       {@code "<s> " + prompt} (its evaluate_cross.py); the tokenizer matches {@code <s>} as the BOS
 *       token. Classification prompts get no BOS token of their own ({@code add_special_tokens=False}),
 *       so few-shot ones start without BOS; generation prompts do (vLLM adds it, so zero-shot ones
 *       start with two). Training text, {@code BOS + prompt + target + EOS}, is right-truncated at
 *       the max length (its train_ptune.py), cutting the target.</li>
 * </ul>
 */
public enum PromptCompat {
    CROSSGEN("crossgen"), PAPER("paper");

    /** The text the paper's code writes before a zero-shot prompt. */
    public static final String PAPER_ZERO_SHOT_PREFIX = "<s> ";

    private final String id;

    PromptCompat(String id) {
        this.id = id;
    }

    /** {@code crossgen} or {@code paper}: the spelling in specs, options, summaries and keys. */
    public String id() {
        return id;
    }

    /** Text written before an evaluation prompt with {@code shots} demonstrations. */
    public String evalTextPrefix(int shots) {
        return this == PAPER && shots == 0 ? PAPER_ZERO_SHOT_PREFIX : "";
    }

    /** Whether the tokenizer adds a BOS token before an evaluation prompt of a classification or generation task. */
    public boolean addsBosToken(boolean classification) {
        return this == CROSSGEN || !classification;
    }

    /** {@code crossgen} or {@code paper}; anything else is an error listing them. */
    public static PromptCompat parse(String value) {
        for (PromptCompat c : values()) if (c.id.equals(value)) return c;
        throw new IllegalArgumentException("unknown prompt compatibility \"" + value + "\"; known: "
                + Arrays.stream(values()).map(PromptCompat::id).toList());
    }
}
