package org.crossgen.eval;

import java.util.Arrays;

/** How a classification answer is chosen among the task's labels. */
public enum ScoringMode {
    /** The paper's: next-token logits after the prompt, restricted to each label's first token. */
    FIRST_TOKEN("first-token"),
    /** Sum of log-probabilities of each whole label continuation (multi-token labels are fine). */
    LOGLIKELIHOOD("loglikelihood"),
    /** Log-likelihood divided by the label's token count. */
    LOGLIKELIHOOD_NORM("loglikelihood-norm");

    public final String cliName;

    ScoringMode(String cliName) {
        this.cliName = cliName;
    }

    public static ScoringMode of(String name) {
        for (ScoringMode m : values()) if (m.cliName.equals(name)) return m;
        throw new IllegalArgumentException("unknown scoring mode \"" + name + "\"; known: "
                + Arrays.stream(values()).map(m -> m.cliName).toList());
    }
}
