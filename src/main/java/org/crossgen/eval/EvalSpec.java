package org.crossgen.eval;

import org.crossgen.prompt.PromptCompat;
import org.crossgen.prompt.Sampler;

/**
 * Everything besides the model that decides an evaluation's result.
 *
 * @param dataset      dataset id, e.g. {@code sentiment/yelp}
 * @param template     prompt template id (0 or 1 for the paper's)
 * @param shots        demonstrations per prompt
 * @param sampler      which demonstrations: the first k of the pool, or k seeded random ones
 * @param seed         seed of the random sampler and of the bootstrap
 * @param scoring      classification scoring mode (ignored for generation tasks)
 * @param limit        evaluate the first {@code limit} test records (0 = all)
 * @param maxNewTokens generation budget (the paper: 60)
 * @param maxLength    token budget of prompt (+ generation); longer prompts are truncated
 * @param stemmer      Porter-stem ROUGE tokens
 * @param promptCompat crossgen's BOS rule, or the paper's ({@link PromptCompat})
 */
public record EvalSpec(String dataset, int template, int shots, Sampler sampler, long seed, ScoringMode scoring,
                       int limit, int maxNewTokens, int maxLength, boolean stemmer, PromptCompat promptCompat) {
    /** With crossgen's prompt rules. */
    public EvalSpec(String dataset, int template, int shots, Sampler sampler, long seed, ScoringMode scoring,
                    int limit, int maxNewTokens, int maxLength, boolean stemmer) {
        this(dataset, template, shots, sampler, seed, scoring, limit, maxNewTokens, maxLength, stemmer, PromptCompat.CROSSGEN);
    }

    public EvalSpec {
        if (promptCompat == null) throw new IllegalArgumentException("promptCompat must not be null");
        if (shots < 0) throw new IllegalArgumentException("shots must be >= 0, got " + shots);
        if (limit < 0) throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        if (maxNewTokens < 1) throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        if (maxLength <= maxNewTokens) throw new IllegalArgumentException("maxLength (" + maxLength + ") must exceed maxNewTokens (" + maxNewTokens + ")");
    }

    /** The paper's settings for a dataset: first-k demonstrations, first-token scoring, 60 new tokens. */
    public static EvalSpec paper(String dataset, int template, int shots) {
        return new EvalSpec(dataset, template, shots, Sampler.FIRST_K, 1234, ScoringMode.FIRST_TOKEN, 0, 60, 1024, false);
    }
}
