package org.crossgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.crossgen.model.llama.LlamaConfig;
import org.junit.jupiter.api.Test;

class ModelCostTest {
    private static final LlamaConfig SHAPE_58M = EngineBench.shape58m();

    @Test
    void matmulParametersAreTheLayersAndTheHeadNotTheEmbedding() {
        long perLayer = 4L * 512 * 512 + 3L * 512 * 1376;                  // q k v o + gate up down
        assertEquals(8 * perLayer + 32000L * 512, ModelCost.matmulParameters(SHAPE_58M));
        assertEquals(41_680_896L, ModelCost.matmulParameters(SHAPE_58M));
    }

    @Test
    void trainFlopsAreSixPerWeightPlusAttention() {
        // issue 12: 390-410 tokens/s is about 105 GFLOP/s, i.e. ~263 MFLOP per token at T = 256
        assertEquals(6.0 * 41_680_896 + 12.0 * 8 * 256 * 512, ModelCost.trainFlopsPerToken(SHAPE_58M, 256), 0);
        assertEquals(262.67e6, ModelCost.trainFlopsPerToken(SHAPE_58M, 256), 0.01e6);
    }

    @Test
    void decodeReadsEveryWeightOnceButOneEmbeddingRow() {
        long all = 58_073_600L, embedding = 32000L * 512;
        long kv = 2L * 8 * 8 * 64 * 48;                                     // keys and values of 48 cached tokens
        assertEquals((all - embedding + 512 + kv) * 4.0, ModelCost.decodeBytesPerToken(SHAPE_58M, 4, 48), 0);
        assertEquals((all - embedding + 512) * 2.0, ModelCost.decodeBytesPerToken(SHAPE_58M, 2, 0), 0);
    }

    @Test
    void aTiedHeadIsTheEmbeddingReadInFull() {
        LlamaConfig tied = LlamaConfig.of(1000, 64, 2, 4, 2, 128, true);
        long layer = 64L * 64 + 2 * 64L * 32 + 64L * 64 + 3 * 64L * 128;    // q, k and v (2 kv heads of 16), o, MLP
        assertEquals(2 * layer + 1000L * 64, ModelCost.matmulParameters(tied));
        long norms = 2 * 2 * 64 + 64;
        assertEquals((2 * layer + 1000L * 64 + norms) * 4.0, ModelCost.decodeBytesPerToken(tied, 4, 0), 0);
    }
}
