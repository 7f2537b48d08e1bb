package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.tensor.Torch;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /** AdamW by hand in doubles, for one element. */
    private static double[] handStep(double p, double g, double m, double v, int t, double lr, double wd) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        p *= 1 - lr * wd;
        m = m + (1 - b1) * (g - m);
        v = b2 * v + (1 - b2) * g * g;
        double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
        p -= lr / (1 - Math.pow(b1, t)) * m / denom;
        return new double[] {p, m, v};
    }

    /** Two steps on four elements, the first two in the decay group, against the hand computation. */
    @Test
    void twoStepsMatchHandComputationWithDecayOnTheFirstRange() {
        Torch.init();
        try (NativeScope scope = NativeScope.open()) {
            Tensor w = Tensor.create(new float[] {0.5f, -1.5f, 2.0f, 0.25f}, 4);
            double lr = 0.1, wd = 0.01;
            double[][] grads = {{0.2, -0.4, 0.3, -0.1}, {-0.3, 0.05, 0.2, 0.6}};
            double[][] state = {{0.5, 0, 0}, {-1.5, 0, 0}, {2.0, 0, 0}, {0.25, 0, 0}};
            try (AdamW opt = new AdamW(4, 2, 0.9, 0.999, 1e-8, wd, w)) {
                for (int t = 1; t <= 2; t++) {
                    float[] g = new float[4];
                    for (int i = 0; i < 4; i++) g[i] = (float) grads[t - 1][i];
                    opt.step(w, Tensor.create(g, 4), lr);
                    for (int i = 0; i < 4; i++) state[i] = handStep(state[i][0], g[i], state[i][1], state[i][2], t, lr, i < 2 ? wd : 0);
                }
                float[] got = Tensors.toFloats(w);
                for (int i = 0; i < 4; i++) assertEquals(state[i][0], got[i], 1e-6, "w[" + i + "] after 2 steps");
                assertEquals(2, opt.stepCount());
                assertEquals(state[0][1], Tensors.toFloats(opt.expAvg())[0], 1e-7);
                assertEquals(state[3][2], Tensors.toFloats(opt.expAvgSq())[3], 1e-9);
            }
        }
    }

    /** Updating [0, 3) and [3, 6) as two ranges of one step equals updating all six at once. */
    @Test
    void rangesOfOneStepEqualOneUpdate() {
        Torch.seed(3);
        try (NativeScope scope = NativeScope.open()) {
            Tensor a = org.bytedeco.pytorch.global.torch.randn(6), g = org.bytedeco.pytorch.global.torch.randn(6);
            Tensor b = a.clone();
            try (AdamW whole = new AdamW(6, 4, 0.9, 0.999, 1e-8, 0.1, a); AdamW parts = new AdamW(6, 4, 0.9, 0.999, 1e-8, 0.1, b)) {
                for (int t = 0; t < 3; t++) {
                    whole.step(a, g, 1e-2);
                    parts.beginStep();
                    parts.update(0, b.narrow(0, 0, 3), g.narrow(0, 0, 3), 1e-2);
                    parts.update(3, b.narrow(0, 3, 3), g.narrow(0, 3, 3), 1e-2);
                }
                assertArrayEquals(Tensors.toFloats(a), Tensors.toFloats(b));
                assertArrayEquals(Tensors.toFloats(whole.expAvgSq()), Tensors.toFloats(parts.expAvgSq()));
            }
        }
    }

    @Test
    void normsAndBiasesAndVectorsDoNotDecay() {
        Torch.init();
        try (NativeScope scope = NativeScope.open()) {
            Tensor m = Tensor.create(new float[4], 2, 2), v = Tensor.create(new float[2], 2);
            assertTrue(AdamW.decays("model.layers.0.mlp.up_proj.weight", m));
            assertFalse(AdamW.decays("model.layers.0.input_layernorm.weight", v));
            assertFalse(AdamW.decays("model.norm.weight", m));
            assertFalse(AdamW.decays("model.layers.0.self_attn.q_proj.bias", v));
        }
    }

    /**
     * Independent reference: libtorch's own C++ AdamW on the same random problem for 3 steps.
     * Its update uses mul/add instead of lerp, so the tolerance is float rounding (1e-6), not zero.
     * Also times both on a (256, 256) parameter.
     */
    @Test
    void matchesLibtorchAdamW() {
        Torch.seed(7);
        try (NativeScope scope = NativeScope.open()) {
            Tensor a = org.bytedeco.pytorch.global.torch.randn(256, 256).requires_grad_(true);
            Tensor b = a.detach().clone().requires_grad_(true);
            Tensor target = org.bytedeco.pytorch.global.torch.randn(256, 256);
            AdamWOptions o = new AdamWOptions(1e-2);
            o.weight_decay().put(0.1);
            // betas and eps stay at libtorch's defaults (0.9, 0.999), 1e-8. Do not write them through
            // betas().put(0, b1).put(1, b2): std::tuple<double, double> stores its elements in reverse
            // order in libstdc++, so that sets beta1 = b2 and beta2 = b1 (this test caught it).
            TensorVector vb = new TensorVector();
            vb.push_back(b);
            org.bytedeco.pytorch.AdamW ref = new org.bytedeco.pytorch.AdamW(vb, o);
            Tensor flat = a.detach().view(-1);   // shares a's storage: the update lands in a
            long ours = 0, theirs = 0;
            try (AdamW opt = new AdamW(flat.numel(), flat.numel(), 0.9, 0.999, 1e-8, 0.1, flat)) {
                for (int step = 0; step < 3; step++) {
                    try (NativeScope s = NativeScope.open()) {
                        a.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                        b.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                        opt.step(flat, a.grad().view(-1), 1e-2);
                        ref.step();
                        a.grad().zero_();
                        ref.zero_grad();
                    }
                }
                double diff = a.detach().sub(b.detach()).abs().max().item_double();
                System.out.printf("AdamW vs libtorch AdamW after 3 steps: max|diff| %.3e%n", diff);
                // timing (informative only; shared CPUs are noisy): 20 more steps each with fixed gradients
                try (NativeScope s = NativeScope.open()) {
                    a.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                    b.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                    Tensor g = a.grad().view(-1);
                    for (int i = 0; i < 20; i++) {
                        long t0 = System.nanoTime();
                        opt.step(flat, g, 1e-2);
                        long t1 = System.nanoTime();
                        ref.step();
                        theirs += System.nanoTime() - t1;
                        ours += t1 - t0;
                    }
                }
                System.out.printf("AdamW step on 65,536 parameters: ours (fused kernel) %.3f ms, libtorch C++ AdamW %.3f ms (mean of 20)%n",
                        ours / 20e6, theirs / 20e6);
                assertTrue(diff <= 1e-6, "max |ours - libtorch| = " + diff + " > 1e-6");
            }
        }
    }
}
