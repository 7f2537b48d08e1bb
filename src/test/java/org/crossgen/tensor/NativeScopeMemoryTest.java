package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.testing.NativeResident;
import org.junit.jupiter.api.Test;

/** Per-step scopes keep resident memory flat over a long loop (without them it grows until GC). */
class NativeScopeMemoryTest {
    @Test
    void residentMemoryStaysFlatOver100TrainingSteps() {
        LlamaConfig c = LlamaConfig.of(2000, 128, 2, 4, 2, 344, false);
        try (LlamaModel model = LlamaModel.random(c, 7, DType.FLOAT32, ComputeDevice.CPU)) {
            model.namedWeights().values().forEach(p -> p.requires_grad_(true));
            Tensor ids;
            try (NativeScope scope = NativeScope.open()) {
                ids = scope.keep(Tensor.create(new java.util.Random(3).longs(4 * 64, 0, 2000).toArray(), 4, 64));
            }
            long afterWarmup = 0, peakGrowth = 0;
            for (int step = 0; step < 100; step++) {
                try (NativeScope scope = NativeScope.open()) {
                    Tensor logits = model.forward(ids, Tensors.positions(4, 64), null, null);      // (4, 64, V)
                    Tensor loss = cross_entropy(logits.narrow(1, 0, 63).reshape(-1, 2000), ids.narrow(1, 1, 63).reshape(-1));
                    loss.backward();
                    try (NoGradGuard ng = new NoGradGuard()) {
                        for (Tensor p : model.namedWeights().values()) {
                            p.sub_(p.grad().mul(new Scalar(1e-3)));
                            p.grad().zero_();
                        }
                    }
                }
                if (step == 9) afterWarmup = NativeResident.vmRssKb();
                if (step > 9) peakGrowth = Math.max(peakGrowth, NativeResident.vmRssKb() - afterWarmup);
            }
            NativeScope.release(ids);
            // one step allocates ~10 MB of activations and gradients; a leak would add that every step
            assertTrue(peakGrowth < 32 * 1024, "RSS grew by " + peakGrowth / 1024 + " MB over 90 steps (bound 32 MB)");
        }
    }
}
