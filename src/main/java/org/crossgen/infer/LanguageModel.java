package org.crossgen.infer;

import java.util.List;
import java.util.function.IntConsumer;
import org.crossgen.text.Tokenizer;

/**
 * A model that answers text requests in batches, so evaluation never touches tensors (after
 * lm-evaluation-harness's {@code LM}). Answers come back in request order; {@code progress}
 * receives the number of requests done after each batch.
 */
public interface LanguageModel {
    /** Per request, log P(continuation | context). */
    List<LogLikelihood> loglikelihood(List<Request.Loglikelihood> requests, int batchSize, IntConsumer progress);

    /** Per request, the greedy continuation, cut before the first stop string. */
    List<String> generate(List<Request.Generate> requests, int batchSize, IntConsumer progress);

    /** Per request, the logits of each label's first token (in label order). */
    List<float[]> firstTokenLogits(List<Request.FirstTokenChoice> requests, int batchSize, IntConsumer progress);

    /** The tokenizer requests are encoded with: prompts are fitted to the token budget with it. */
    Tokenizer tokenizer();

    /** The compute dtype, as evaluation summaries record it ({@code float32}, {@code bfloat16}). */
    String dtype();

    /** Where the model runs, as evaluation summaries record it ({@code cpu}, {@code cuda:0}). */
    String device();
}
