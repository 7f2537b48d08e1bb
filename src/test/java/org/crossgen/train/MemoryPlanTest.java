package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LoraConfig;
import org.junit.jupiter.api.Test;

/** The memory plan of Llama-2-7B (its published config.json), each row as hand-checkable arithmetic. */
class MemoryPlanTest {
    /** 32000 x 4096 embedding and head, 32 x (4 x 4096^2 + 3 x 4096 x 11008 + 2 x 4096), the final norm. */
    private static final long P = 2L * 32000 * 4096 + 32L * (4L * 4096 * 4096 + 3L * 4096 * 11008 + 2 * 4096) + 4096;

    private static LlamaConfig llama7b() throws Exception {
        return LlamaConfig.read(Path.of("examples/llama-2-7b-config"));
    }

    @Test
    void bf16ZeroTwoOnEightRanksWithCheckpointing() throws Exception {
        TrainConfig c = TrainConfig.builder().precision(Precision.BF16).sharding(Sharding.GRADIENTS).activationCheckpointing(true)
                .microBatchSize(4).gradientAccumulation(4).maxLength(1024).build();
        MemoryPlan p = MemoryPlan.of(llama7b(), c, 8);
        assertEquals(6_738_415_616L, P);
        assertEquals(P, p.parameters());
        assertEquals(2 * P, p.weights());                              // bf16
        assertEquals(2 * P + 2 * P / 8, p.gradients());                // bf16 buffer + the reduce-scattered slice
        assertEquals(4 * P / 8, p.master());                           // fp32 slice
        assertEquals(8 * P / 8, p.optimizer());                        // m and v, fp32 slice
        long tokens = 4 * 1024;
        assertEquals((32 + 2) * tokens * 4096 * 2, p.activations());   // one bf16 (B, T, C) input per layer + final norm
        assertEquals(tokens * 32000 * 14, p.workspace());              // the loss head (fp32 log-probabilities, two (N, V) gradients, a bf16 cast) outweighs one recomputed layer
        assertEquals(1L << 30, p.runtime());
        assertTrue(p.peak() < 40L << 30, "fits 40 GiB: " + MemoryPlan.gib(p.peak()));
    }

    @Test
    void fp32OnOneRankDoesNotFitEightyAndTheFixesSayWhatWould() throws Exception {
        TrainConfig c = TrainConfig.builder().microBatchSize(4).gradientAccumulation(4).maxLength(1024).build();
        MemoryPlan p = MemoryPlan.of(llama7b(), c, 1);
        assertEquals(4 * P + 4 * P + 0 + 8 * P, p.weights() + p.gradients() + p.master() + p.optimizer());   // 16 bytes per parameter
        long tokens = 4 * 1024;
        assertEquals(32 * tokens * (9 * 4096 + 4 * 11008) * 4 + 2 * tokens * 4096 * 4, p.activations());
        // no single change fits 80 GiB; all of them on 2 ranks do: 2P weights + 3P gradients + 2P master + 4P moments
        // = 11P bytes = 69.03 GiB, plus 1.06 activations, 1.71 workspace and 1 runtime
        List<String> fixes = MemoryPlan.fixes(llama7b(), c, 1, 80L << 30);
        assertEquals(List.of("--activation-checkpointing --precision bf16 --nproc 2 --zero 2 (72.80 GiB per rank)",
                "LoRA instead of full fine-tuning: --lora r=8 (67.45 GiB per rank)"), fixes);
    }

    @Test
    void loraTrainsOnlyTheAdapter() throws Exception {
        TrainConfig c = TrainConfig.builder().precision(Precision.BF16).lora(LoraConfig.defaults()).maxLength(1024).build();
        MemoryPlan p = MemoryPlan.of(llama7b(), c, 1);
        assertEquals(32L * 2 * 8 * (4096 + 4096), p.trainable());      // r = 8 on q_proj and v_proj of every layer
        assertEquals(2 * (P + p.trainable()), p.weights());
        assertEquals(2 * p.trainable(), p.gradients());
        assertEquals(12 * p.trainable(), p.master() + p.optimizer());
    }
}
