package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
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

    @Test
    void twoStepsMatchHandComputation() {
        Torch.init();
        try (NativeScope scope = NativeScope.open()) {
            // a (1, 2) matrix decays, so weight decay is exercised
            Tensor w = Tensor.create(new float[] {0.5f, -1.5f}, 1, 2).requires_grad_(true);
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("w", w);
            double lr = 0.1, wd = 0.01;
            double[][] grads = {{0.2, -0.4}, {-0.3, 0.05}};
            double[][] state = {{0.5, 0, 0}, {-1.5, 0, 0}};
            try (AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, wd)) {
                for (int t = 1; t <= 2; t++) {
                    try (NoGradGuard ng = new NoGradGuard()) {
                        // set the gradient directly: grad = given values
                        w.mutable_grad().put(Tensor.create(new float[] {(float) grads[t - 1][0], (float) grads[t - 1][1]}, 1, 2));
                    }
                    opt.step(lr);
                    for (int i = 0; i < 2; i++) state[i] = handStep(state[i][0], (float) grads[t - 1][i], state[i][1], state[i][2], t, lr, wd);
                }
                float[] got = Tensors.toFloats(w.detach());
                // after step 1 each element moves by ~lr (Adam's first step is sign(g) * lr)
                assertEquals(state[0][0], got[0], 1e-6, "w[0] after 2 steps");
                assertEquals(state[1][0], got[1], 1e-6, "w[1] after 2 steps");
                assertEquals(2, opt.stepCount());
                float[] m = Tensors.toFloats(opt.state().get("exp_avg/w"));
                assertEquals(state[0][1], m[0], 1e-7);
                assertEquals(state[1][2], Tensors.toFloats(opt.state().get("exp_avg_sq/w"))[1], 1e-9);
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
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("a", a);
            AdamWOptions o = new AdamWOptions(1e-2);
            o.weight_decay().put(0.1);
            // betas and eps stay at libtorch's defaults (0.9, 0.999), 1e-8. Do not write them through
            // betas().put(0, b1).put(1, b2): std::tuple<double, double> stores its elements in reverse
            // order in libstdc++, so that sets beta1 = b2 and beta2 = b1 (this test caught it).
            TensorVector vb = new TensorVector();
            vb.push_back(b);
            org.bytedeco.pytorch.AdamW ref = new org.bytedeco.pytorch.AdamW(vb, o);
            long ours = 0, theirs = 0;
            try (AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0.1)) {
                for (int step = 0; step < 3; step++) {
                    try (NativeScope s = NativeScope.open()) {
                        a.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                        b.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                        long t0 = System.nanoTime();
                        opt.step(1e-2);
                        long t1 = System.nanoTime();
                        ref.step();
                        long t2 = System.nanoTime();
                        ours += t1 - t0;
                        theirs += t2 - t1;
                        opt.zeroGrad();
                        ref.zero_grad();

                    }
                }
                double diff = a.detach().sub(b.detach()).abs().max().item_double();
                System.out.printf("AdamW vs libtorch AdamW after 3 steps: max|diff| %.3e%n", diff);
                // timing (informative only; shared CPUs are noisy): 20 more steps each with fixed gradients
                try (NativeScope s = NativeScope.open()) {
                    a.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                    b.sub(target).pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
                }
                ours = 0;
                theirs = 0;
                for (int i = 0; i < 20; i++) {
                    long t0 = System.nanoTime();
                    opt.step(1e-2);
                    long t1 = System.nanoTime();
                    ref.step();
                    theirs += System.nanoTime() - t1;
                    ours += t1 - t0;
                }
                System.out.printf("AdamW step on 65,536 parameters: ours %.3f ms, libtorch C++ %.3f ms (mean of 20)%n",
                        ours / 20e6, theirs / 20e6);
                assertTrue(diff <= 1e-6, "max |ours - libtorch| = " + diff + " > 1e-6");
            }
        }
    }
}
