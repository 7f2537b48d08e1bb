package org.crossgen.model.llama;

import static org.bytedeco.pytorch.global.torch.grad;
import static org.bytedeco.pytorch.global.torch.zeros_like;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.testing.StoriesGolden;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;

class LlamaModelTest {
    @Test
    void logitsMatchLlama2cReference() throws Exception {
        StoriesGolden ref = StoriesGolden.read();
        try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            int n = ref.inputIds().length;
            Tensor ids = Tensor.create(ref.inputIds(), 1, n);
            Tensor logits = model.forward(ids, Tensors.positions(1, n), null, null);   // (1, T, V)
            float[][] got = Tensors.toFloat2d(logits.select(0, 0));
            double worst = 0;
            String where = "";
            for (int t = 0; t < n; t++) {
                for (int v = 0; v < got[t].length; v++) {
                    double d = Math.abs(got[t][v] - ref.logits()[t][v]);
                    if (d > worst) {
                        worst = d;
                        where = "t=" + t + " v=" + v + " got " + got[t][v] + " want " + ref.logits()[t][v];
                    }
                }
            }
            String msg = "logits vs llama2.c reference, tolerance 1e-4: worst " + worst + " at " + where;
            assertTrue(worst <= 1e-4, msg);
            System.out.println(msg);
        }
    }

    /**
     * Reduced-precision inference (weights and activations in the dtype, as transformers with
     * torch_dtype): bf16 keeps 8 significant bits, so on logits of magnitude ~13 the error is ~1
     * (measured 1.38; fp16, 3 bits more, 0.13 — the 8x ratio the mantissas predict). The bounds
     * catch a broken path (wrong casts give errors of the logits' own size) without pretending
     * bf16 is float32.
     */
    @Test
    void reducedPrecisionLogitsStayNearTheReference() throws Exception {
        StoriesGolden ref = StoriesGolden.read();
        int n = ref.inputIds().length;
        for (DType dt : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            try (LlamaModel model = LlamaModel.load(TestResources.stories260k(), dt, ComputeDevice.CPU);
                 NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
                float[][] got = Tensors.toFloat2d(model.forward(Tensor.create(ref.inputIds(), 1, n), Tensors.positions(1, n), null, null).select(0, 0));
                double worst = 0;
                int agree = 0;
                for (int t = 0; t < n; t++) {
                    int a = 0, b = 0;
                    for (int v = 0; v < got[t].length; v++) {
                        worst = Math.max(worst, Math.abs(got[t][v] - ref.logits()[t][v]));
                        if (got[t][v] > got[t][a]) a = v;
                        if (ref.logits()[t][v] > ref.logits()[t][b]) b = v;
                    }
                    if (a == b) agree++;
                }
                double bound = dt == DType.BFLOAT16 ? 2.0 : 0.25;
                assertTrue(worst <= bound, dt + " logits vs float32 reference, bound " + bound + ": worst " + worst);
                assertTrue(agree >= n - 1, dt + ": argmax agrees at " + agree + " of " + n + " positions");
            }
        }
    }

    /**
     * An untied embedding on the CPU gets a sparse gradient (the looked-up rows) once asked, which,
     * added into dense {@code .grad} buffers as the trainer's, gives the dense gradient: the same
     * rows summed, repeated ids in another order (so to float rounding). A tied embedding stays dense:
     * the output head's gradient covers the whole matrix anyway.
     */
    @Test
    void sparseEmbeddingGradientAddsUpToTheDenseOne() {
        for (boolean tied : new boolean[] {false, true}) {
            try (LlamaModel model = LlamaModel.random(LlamaConfig.of(64, 16, 1, 2, 2, 32, tied), 3, DType.FLOAT32, ComputeDevice.CPU);
                 NativeScope scope = NativeScope.open()) {
                model.prepareForTraining(true);
                Tensor weight = model.embedWeight();
                long[] repeated = {5, 9, 5, 5, 63, 0, 9, 17};   // repeated ids: their rows add up
                Tensor ids = Tensor.create(repeated, 2, 4);
                float[][] grads = new float[2][];
                boolean[] sparse = new boolean[2];
                for (int pass = 0; pass < 2; pass++) {
                    model.sparseEmbeddingGradient(pass == 1);
                    model.namedWeights().values().forEach(w -> w.mutable_grad().put(zeros_like(w)));
                    Tensor loss = model.forward(ids, Tensors.positions(2, 4), null, null).pow(new Scalar(2)).sum();
                    sparse[pass] = grad(new TensorVector(loss), new TensorVector(weight), new TensorVector(), new BoolOptional(true), false, false)
                            .get(0).is_sparse();
                    loss.backward();
                    assertTrue(!weight.grad().is_sparse(), "the .grad buffer stays dense");
                    grads[pass] = Tensors.toFloats(weight.grad());
                }
                assertTrue(!sparse[0], "dense unless asked");
                assertEquals(!tied, sparse[1], tied ? "a tied embedding stays dense" : "an untied one turns sparse");
                double worst = 0, scale = 0;
                for (int i = 0; i < grads[0].length; i++) {
                    worst = Math.max(worst, Math.abs(grads[0][i] - grads[1][i]));
                    scale = Math.max(scale, Math.abs(grads[0][i]));
                }
                assertTrue(scale > 0 && worst <= 1e-6 * scale, "tied " + tied + ": max |dense - sparse| " + worst + " of " + scale);
            }
        }
    }
}
