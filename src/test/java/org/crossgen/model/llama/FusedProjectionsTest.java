package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-row forward (batch-1 decoding) runs q/k/v and gate/up as fused products; a two-row
 * forward of the same token runs them separately. The two must agree, before and after the
 * weights change, and fusing must not hold a second copy of any weight.
 */
class FusedProjectionsTest {
    private static final LlamaConfig SHAPE = LlamaConfig.of(96, 32, 2, 4, 2, 64, true);
    private static final String Q = "model.layers.0.self_attn.q_proj.weight", K = "model.layers.0.self_attn.k_proj.weight",
            V = "model.layers.0.self_attn.v_proj.weight", GATE = "model.layers.1.mlp.gate_proj.weight", UP = "model.layers.1.mlp.up_proj.weight";

    @Test
    void oneRowAgreesWithTwoRowsAndHoldsEachWeightOnce() {
        try (LlamaModel model = LlamaModel.random(SHAPE, 7, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            float[] fused = assertOneRowAgrees(model);
            Map<String, Tensor> w = model.namedWeights();
            assertEquals(address(w.get(Q)) + w.get(Q).nbytes(), address(w.get(K)), "k_proj follows q_proj in one buffer");
            assertEquals(address(w.get(K)) + w.get(K).nbytes(), address(w.get(V)), "v_proj follows k_proj in one buffer");
            assertEquals(address(w.get(GATE)) + w.get(GATE).nbytes(), address(w.get(UP)), "up_proj follows gate_proj in one buffer");

            w.get(V).mul_(new Scalar(3.0));                    // in place: the fused product reads the change
            float[] scaled = assertOneRowAgrees(model);
            assertNotEquals(fused[0], scaled[0], "scaling v_proj changes the logits");
        }
    }

    @Test
    void bfloat16OneRowAgreesWithTwoRows() {
        try (LlamaModel model = LlamaModel.random(SHAPE, 7, DType.BFLOAT16, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            assertOneRowAgrees(model, 2e-3);                   // libtorch's bf16 gemv against oneDNN's GEMM: rounding apart
            Map<String, Tensor> w = model.namedWeights();
            assertEquals(address(w.get(GATE)) + w.get(GATE).nbytes(), address(w.get(UP)), "up_proj follows gate_proj in one buffer");
        }
    }

    @Test
    void weightsMovedToOtherMemoryEndTheFusion() {
        try (LlamaModel model = LlamaModel.random(SHAPE, 7, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            float[] before = assertOneRowAgrees(model);
            Tensor gate = model.namedWeights().get(GATE);
            gate.set_(gate.mul(new Scalar(-2.0)));             // new memory, as training's owned copies get
            float[] after = assertOneRowAgrees(model);         // a stale fused weight would still give `before`
            assertNotEquals(before[0], after[0], "the moved gate_proj changes the logits");
        }
    }

    @Test
    void fusedWeightsSaveUnderTheirOwnNames(@TempDir Path dir) throws Exception {
        float[] before;
        try (LlamaModel model = LlamaModel.random(SHAPE, 7, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            before = assertOneRowAgrees(model);                 // fuses, then saves the parts as views of the fused rows
            model.save(dir);
        }
        try (LlamaModel loaded = LlamaModel.load(dir, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            assertArrayEquals(before, assertOneRowAgrees(loaded), "logits after a save and load of a fused model");
        }
    }

    @Test
    void trainableWeightsAreNeverMoved() {
        try (LlamaModel model = LlamaModel.random(SHAPE, 7, DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open()) {
            model.prepareForTraining(true);
            long q = address(model.namedWeights().get(Q));
            try (NoGradGuard ng = new NoGradGuard()) {
                assertOneRowAgrees(model);
            }
            assertEquals(q, address(model.namedWeights().get(Q)), "a trainable weight stays where the trainer put it");
        }
    }

    private static float[] assertOneRowAgrees(LlamaModel model) {
        return assertOneRowAgrees(model, 1e-5);
    }

    /** Logits of token 5 alone and as both rows of a batch; returns the one-row logits. */
    private static float[] assertOneRowAgrees(LlamaModel model, double tolerance) {
        float[] one = Tensors.toFloat2d(model.forward(Tensor.create(new long[] {5}, 1, 1), Tensors.positions(1, 1), null, null)
                .select(0, 0))[0];
        float[] two = Tensors.toFloat2d(model.forward(Tensor.create(new long[] {5, 5}, 2, 1), Tensors.positions(2, 1), null, null)
                .select(0, 0))[0];
        double worst = 0;
        for (int i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i] - two[i]));
        assertTrue(worst <= tolerance, "one-row vs two-row logits, tolerance " + tolerance + ": worst " + worst);
        System.out.println(model.dtype() + " one-row vs two-row logits: worst " + worst);
        return one;
    }

    private static long address(Tensor t) {
        return t.data_ptr().address();
    }
}
