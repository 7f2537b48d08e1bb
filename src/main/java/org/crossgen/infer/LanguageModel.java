package org.crossgen.infer;

import java.util.List;
import java.util.function.IntConsumer;

/** A model that answers text requests in batches; {@code progress} receives the number of requests done. */
public interface LanguageModel {
    List<TokenScorer.LogLikelihood> loglikelihood(List<Request.Loglikelihood> requests, int batchSize, IntConsumer progress);

    List<String> generate(List<Request.Generate> requests, int batchSize, IntConsumer progress);

    /** Per request, the logits of each label's first token (in label order). */
    List<float[]> firstTokenLogits(List<Request.FirstTokenChoice> requests, int batchSize, IntConsumer progress);
}
