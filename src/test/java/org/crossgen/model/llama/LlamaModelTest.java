package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
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
}
