package org.crossgen.bench;

import java.util.Map;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;

/**
 * The work a Llama shape needs per token, to turn tokens/s into a fraction of a hardware limit:
 * flops for training (against the matmul peak) and bytes read for batch-1 decoding (against the
 * memory bandwidth).
 */
final class ModelCost {
    private static final String EMBEDDING = "model.embed_tokens.weight";

    private ModelCost() {}

    /**
     * Weights that take part in a matmul: every 2-D weight but the input embedding (a lookup),
     * plus the output head, which is the embedding itself when tied.
     */
    static long matmulParameters(LlamaConfig c) {
        long n = 0;
        for (Map.Entry<String, long[]> e : LlamaModel.expectedShapes(c).entrySet()) {
            if (e.getValue().length == 2 && !e.getKey().equals(EMBEDDING)) n += e.getValue()[0] * e.getValue()[1];
        }
        return c.tieWordEmbeddings() ? n + (long) c.vocabSize() * c.hiddenSize() : n;
    }

    /**
     * Forward+backward flops per token at sequence length {@code seq}: {@code 6 N} for the
     * weights (2 forward, 4 backward per multiply-add) and {@code 12 L T d} for attention scores
     * and their weighted sum (PaLM's count, appendix B; causal masking not subtracted).
     */
    static double trainFlopsPerToken(LlamaConfig c, int seq) {
        long attentionWidth = (long) c.numHeads() * c.headDim();
        return 6.0 * matmulParameters(c) + 12.0 * c.numLayers() * seq * attentionWidth;
    }

    /**
     * Bytes one batch-1 decode step must read: every weight once (the embedding only one row,
     * unless it is also the output head) and the keys and values of {@code cachedTokens} positions.
     */
    static double decodeBytesPerToken(LlamaConfig c, int bytesPerElement, long cachedTokens) {
        long elements = 0;
        for (Map.Entry<String, long[]> e : LlamaModel.expectedShapes(c).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) n *= d;
            elements += e.getKey().equals(EMBEDDING) && !c.tieWordEmbeddings() ? c.hiddenSize() : n;
        }
        long kv = 2L * c.numLayers() * c.numKvHeads() * c.headDim() * cachedTokens;
        return (double) (elements + kv) * bytesPerElement;
    }
}
