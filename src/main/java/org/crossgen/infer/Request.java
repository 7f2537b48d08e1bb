package org.crossgen.infer;

import java.util.List;

/**
 * What evaluation asks of a model, in text. Tasks never touch tensors; the model answers requests
 * (after lm-evaluation-harness's {@code loglikelihood} / {@code generate_until}).
 */
public sealed interface Request permits Request.Loglikelihood, Request.Generate, Request.FirstTokenChoice {
    /**
     * log P(continuation | context); trailing spaces of the context belong to the continuation.
     * {@code addBos}: the tokenizer puts a BOS token before the context (false only to reproduce
     * code that did not, see docs/prompts.md).
     */
    record Loglikelihood(String context, String continuation, boolean addBos) implements Request {
        public Loglikelihood(String context, String continuation) {
            this(context, continuation, true);
        }
    }

    /**
     * Greedy generation until a stop string (after any leading whitespace), EOS, or
     * {@code maxNewTokens}; the answer is the text stripped, then cut at its first stop string
     * ({@link StopStrings#clean}).
     */
    record Generate(String context, List<String> stopSequences, int maxNewTokens, boolean addBos) implements Request {
        public Generate(String context, List<String> stopSequences, int maxNewTokens) {
            this(context, stopSequences, maxNewTokens, true);
        }

        public Generate {
            stopSequences = List.copyOf(stopSequences);
            if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
    }

    /**
     * The paper's label scoring: the next-token logits after the context, restricted to the first
     * token of each label as the tokenizer splits {@code context + label}.
     */
    record FirstTokenChoice(String context, List<String> labels, boolean addBos) implements Request {
        public FirstTokenChoice(String context, List<String> labels) {
            this(context, labels, true);
        }

        public FirstTokenChoice {
            labels = List.copyOf(labels);
        }
    }
}
