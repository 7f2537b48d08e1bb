package org.crossgen.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.junit.jupiter.api.Test;

/**
 * Batch-1 decode steps in Java ({@code forward} with one token and a cache) against the same steps
 * through libtorch ({@code logits(hidden(...))}) on a second cache fed the same tokens: logits, the
 * cache either path leaves for the other, and weights changed in place between steps.
 */
class RowDecoderTest {
    // hidden 80 and MLP 72: rows that are not a multiple of the vector length; grouped-query attention (4 heads, 2 KV heads)
    private static final LlamaConfig UNTIED = LlamaConfig.of(300, 80, 2, 4, 2, 72, false);
    private static final LlamaConfig TIED = LlamaConfig.of(300, 64, 2, 4, 4, 128, true);
    // 21 + 8 positions: attention runs both its vector loops (16 positions on AVX-512) and their scalar tails
    private static final long[] PROMPT = {3, 17, 42, 8, 250, 11, 290, 6, 77, 120, 4, 4, 199, 31, 250, 2, 88, 143, 9, 60, 15};
    private static final long[] TOKENS = {5, 99, 7, 7, 280, 1, 64, 33};

    @Test
    void thisTestJvmRunsTheJavaDecoder() {
        assertNull(RowDecoder.supported(), "surefire's argLine adds the vector module and the JIT is C2");
        assertEquals("Java vector API (RowDecoder)", LlamaModel.batchOneDecoding());
    }

    @Test
    void float32StepsAgreeWithLibtorch() {
        for (LlamaConfig c : new LlamaConfig[] {UNTIED, TIED}) {
            try (LlamaModel model = LlamaModel.random(c, 11, DType.FLOAT32, ComputeDevice.CPU)) {
                assertStepsAgree(model, 1e-4);
            }
        }
    }

    @Test
    void bfloat16StepsAgreeWithLibtorchToItsRounding() {
        try (LlamaModel model = LlamaModel.random(UNTIED, 11, DType.BFLOAT16, ComputeDevice.CPU)) {
            assertStepsAgree(model, 0.02);   // libtorch rounds every op's output to bf16, the Java steps keep float32
        }
    }

    @Test
    void theLogitsArrayIsTheStepsLogitsTensorBitForBit() {
        inBothDtypes((model, dtype, array, tensor) -> {
            for (long t : TOKENS) {
                float[] a = model.rowDecoderLogits(t, array.length(), array).clone();
                float[] b = logits(model.rowDecoderStep(ids(t), position(tensor), null, tensor));
                assertEquals(java.util.Arrays.toString(b), java.util.Arrays.toString(a), dtype + ", token " + t);
                assertEquals(array.length(), tensor.length(), "both steps extend the cache");
            }
        });
    }

    @Test
    void aCacheStartedFromOneThatJavaStepsExtendedHoldsTheirPositions() {
        inBothDtypes((model, dtype, java, torch) -> {
            for (long t : TOKENS) {
                assertNotNull(model.rowDecoderLogits(t, java.length(), java));
                model.hidden(ids(t), position(torch), null, torch);
            }
            try (KvCache copy = KvCache.startingWith(java, model, 1, 48)) {
                float[] a = logits(model.logits(model.hidden(ids(3), position(copy), null, copy)));
                float[] b = logits(model.logits(model.hidden(ids(3), position(torch), null, torch)));
                assertTrue(maxDiff(a, b) <= (dtype == DType.FLOAT32 ? 1e-4 : 0.02), dtype + ": " + maxDiff(a, b));
            }
        });
    }

    @Test
    void aWeightChangedInPlaceIsReadAtTheNextStep() {
        try (LlamaModel model = LlamaModel.random(UNTIED, 11, DType.FLOAT32, ComputeDevice.CPU)) {
            withPrefilledCaches(model, (java, torch) -> {
                compare(model, java, torch, 5, 1e-4);
                model.namedWeights().get("model.layers.1.mlp.down_proj.weight").mul_(new Scalar(-3.0));
                model.namedWeights().get("model.embed_tokens.weight").add_(new Scalar(0.5));
                double worst = compare(model, java, torch, 99, 1e-4);  // stale copies would differ by far more
                System.out.println("after in-place changes: worst " + worst);
            });
        }
    }

    /** A weight given other memory by {@code set_} (as FusedProjections and the trainer's flat buffer do) is read again too. */
    @Test
    void aWeightMovedToOtherMemoryIsReadAtTheNextStep() {
        try (LlamaModel model = LlamaModel.random(UNTIED, 11, DType.FLOAT32, ComputeDevice.CPU);
             org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            withPrefilledCaches(model, (java, torch) -> {
                compare(model, java, torch, 5, 1e-4);
                Tensor o = model.namedWeights().get("model.layers.0.self_attn.o_proj.weight");
                Tensor elsewhere = o.mul(new Scalar(-2.0)).contiguous();
                o.set_(elsewhere);
                double worst = compare(model, java, torch, 99, 1e-4);  // a stale copy would differ by far more
                System.out.println("after a move: worst " + worst);
            });
        }
    }

    @Test
    void aStepThroughLibtorchBetweenJavaStepsIsPulledIntoTheJavaCache() {
        try (LlamaModel model = LlamaModel.random(UNTIED, 11, DType.FLOAT32, ComputeDevice.CPU)) {
            withPrefilledCaches(model, (java, torch) -> {
                compare(model, java, torch, 5, 1e-4);
                // a mask that hides the first position: not a step the Java decoder takes, so libtorch writes both caches
                long s = java.length() + 1;
                Tensor mask = org.bytedeco.pytorch.global.torch.ones(new long[] {1, 1, 1, s},
                        new org.bytedeco.pytorch.TensorOptions(ScalarType.Bool));
                mask.narrow(3, 0, 1).fill_(new Scalar(0L));
                assertNull(model.rowDecoderStep(ids(9), position(java), mask, java), "a hidden position goes to libtorch");
                float[] a = logits(model.forward(ids(9), position(java), mask, java));
                float[] b = logits(model.logits(model.hidden(ids(9), position(torch), mask, torch)));
                assertTrue(maxDiff(a, b) <= 1e-4);
                for (long t : TOKENS) compare(model, java, torch, t, 1e-4);
            });
        }
    }

    /** Prefill through libtorch on both caches, then each token as a Java step and a libtorch step. */
    private static void assertStepsAgree(LlamaModel model, double tolerance) {
        withPrefilledCaches(model, (java, torch) -> {
            double worst = 0;
            for (long t : TOKENS) worst = Math.max(worst, compare(model, java, torch, t, tolerance));
            // the keys and values the Java steps wrote into the native cache: libtorch continues from them
            float[] a = logits(model.logits(model.hidden(ids(3), position(java), null, java)));
            float[] b = logits(model.logits(model.hidden(ids(3), position(torch), null, torch)));
            worst = Math.max(worst, maxDiff(a, b));
            assertTrue(maxDiff(a, b) <= tolerance, "libtorch after Java steps: " + maxDiff(a, b));
            System.out.println(model.dtype() + " Java vs libtorch decode steps: worst " + worst);
        });
    }

    /** A test body on one model and its two prefilled caches. */
    private interface CachesBody {
        void run(LlamaModel model, DType dtype, KvCache a, KvCache b);
    }

    /** Runs {@code body} on the untied model in float32 and then in bfloat16, each with its two prefilled caches. */
    private static void inBothDtypes(CachesBody body) {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.BFLOAT16}) {
            try (LlamaModel model = LlamaModel.random(UNTIED, 11, dtype, ComputeDevice.CPU)) {
                withPrefilledCaches(model, (a, b) -> body.run(model, dtype, a, b));
            }
        }
    }

    /** Runs {@code body} with two batch-1 caches that hold the prompt, prefilled by libtorch. */
    private static void withPrefilledCaches(LlamaModel model, java.util.function.BiConsumer<KvCache, KvCache> body) {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard();
             KvCache java = new KvCache(model, 1, 48); KvCache torch = new KvCache(model, 1, 48)) {
            prefill(model, java);
            prefill(model, torch);
            body.accept(java, torch);
        }
    }

    private static void prefill(LlamaModel model, KvCache cache) {
        model.hidden(Tensor.create(PROMPT, 1, PROMPT.length), Tensors.positions(1, PROMPT.length), null, cache);
    }

    /** One step of {@code token} on each cache; asserts the logits agree and returns the largest difference. */
    private static double compare(LlamaModel model, KvCache java, KvCache torch, long token, double tolerance) {
        Tensor out = model.rowDecoderStep(ids(token), position(java), null, java);
        assertNotNull(out, "a batch-1 step without a mask goes to the Java decoder");
        assertEquals(model.dtype().scalarType, out.scalar_type().intern(), "logits in the model's dtype, as libtorch's");
        float[] a = logits(out);
        float[] b = logits(model.logits(model.hidden(ids(token), position(torch), null, torch)));
        double d = maxDiff(a, b);
        assertTrue(d <= tolerance, "token " + token + " at " + (java.length() - 1) + ": Java vs libtorch logits differ by " + d);
        return d;
    }

    private static Tensor ids(long token) {
        return Tensor.create(new long[] {token}, 1, 1);
    }

    private static Tensor position(KvCache cache) {
        return Tensor.create(new long[] {cache.length()}, 1, 1);
    }

    private static float[] logits(Tensor t) {
        return Tensors.toFloats(t.reshape(-1).to(ScalarType.Float));
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return worst;
    }
}
