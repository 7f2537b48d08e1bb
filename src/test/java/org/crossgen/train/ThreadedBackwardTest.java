package org.crossgen.train;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.LossReduction;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.kSum;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.tensor.Torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThreadedBackwardTest {
    private static final int ROWS = 4, LENGTH = 12;
    private int threadsBefore;

    @BeforeEach
    void twoThreads() {
        threadsBefore = Torch.threads();
        Torch.threads(2);   // what a 2-core machine gets, whatever this one has
    }

    @AfterEach
    void restore() {
        Torch.threads(threadsBefore);
    }

    @Test
    void blocksOnTheirOwnThreadsGiveTheOneThreadGradientBitForBit() throws InterruptedException {
        Torch.threads(3);   // three blocks, so the order of the sums shows
        try (LlamaModel model = TinyTask.model(3); NativeScope scope = NativeScope.open()) {
            model.prepareForTraining(true);
            Tensor ids = Tensor.create(new Random(5).longs(ROWS * LENGTH, 3, TinyTask.VOCAB).toArray(), ROWS, LENGTH);
            double divisor = ROWS * (LENGTH - 1);
            int blas = Torch.blasThreads();
            double loss;
            try (ThreadedBackward threaded = ThreadedBackward.open(List.copyOf(model.namedWeights().values()), ComputeDevice.CPU)) {
                assertNotNull(threaded);
                assertEquals(3, threaded.threads());
                assertEquals(3, threaded.blocksFor(ROWS));
                assertEquals(1, threaded.blocksFor(2), "fewer rows than threads stay on the calling thread");
                assertEquals(3, Torch.threads(), "the caller keeps its intra-op threads");
                int[] later = new int[1];
                Thread t = new Thread(() -> later[0] = Torch.threads());
                t.start();
                t.join();
                assertEquals(3, later[0], "a thread started afterwards gets the caller's count, not the workers' one");
                loss = threaded.run(List.of(() -> lossSum(model, ids.narrow(0, 0, 1)), () -> lossSum(model, ids.narrow(0, 1, 1)),
                        () -> lossSum(model, ids.narrow(0, 2, 2))), divisor);
                assertEquals(blas, Torch.blasThreads(), "OpenBLAS's threads are put back");
            }
            Map<String, float[]> threaded = grads(model);
            model.namedWeights().values().forEach(p -> p.mutable_grad().put(new Tensor()));

            Torch.threads(1);   // the same blocks, one after the other, on this thread
            double sum = 0;
            for (long[] r : new long[][] {{0, 1}, {1, 1}, {2, 2}}) {
                Tensor block = lossSum(model, ids.narrow(0, r[0], r[1]));
                block.div(new Scalar(divisor)).backward();
                sum += block.item_double();
            }
            Map<String, float[]> sequential = grads(model);

            assertEquals(sum, loss, 0.0);
            assertEquals(sequential.keySet(), threaded.keySet());
            sequential.forEach((name, g) -> assertArrayEquals(g, threaded.get(name), 0f, name));
        }
    }

    @Test
    void aFailingBlockFailsTheCallWithItsOwnErrorAndAddsNothing() {
        try (LlamaModel model = TinyTask.model(3); NativeScope scope = NativeScope.open()) {
            model.prepareForTraining(true);
            Tensor ids = Tensor.create(new Random(5).longs(ROWS * LENGTH, 3, TinyTask.VOCAB).toArray(), ROWS, LENGTH);
            IllegalArgumentException bad = new IllegalArgumentException("record 7: no target");
            int blas = Torch.blasThreads();
            try (ThreadedBackward threaded = ThreadedBackward.open(List.copyOf(model.namedWeights().values()), ComputeDevice.CPU)) {
                Callable<Tensor> good = () -> lossSum(model, ids.narrow(0, 0, 2));
                var e = assertThrows(IllegalArgumentException.class, () -> threaded.run(List.of(good, () -> { throw bad; }), 1.0));
                assertSame(bad, e);
                assertThrows(IllegalArgumentException.class, () -> threaded.run(List.of(good, good, good), 1.0), "more blocks than threads");
            }
            assertEquals(blas, Torch.blasThreads());
            model.namedWeights().forEach((name, p) -> assertFalse(p.grad().defined(), name + " got a gradient"));
        }
    }

    @Test
    void trainingStepsOnTwoThreadsRepeatExactlyAndStayCloseToOneThread() throws Exception {
        List<SftExample> data = TinyTask.examples(8, 2);
        TrainConfig config = TrainConfig.builder().epochs(1).learningRate(1e-2).maxLength(16).seed(4).microBatchSize(4)
                .gradientAccumulation(2).build();
        Map<String, float[]> a = twoSteps(data, config, true), b = twoSteps(data, config, true);
        a.forEach((name, w) -> assertArrayEquals(w, b.get(name), 0f, name));
        Torch.threads(1);
        Map<String, float[]> one = twoSteps(data, config, false);
        double diff = TinyTask.maxAbsDiff(a, one);
        System.out.printf("two steps, 2 backward threads vs 1: max |dW| = %.2e%n", diff);
        assertTrue(diff <= 1e-5, "max |dW| " + diff);
    }

    @Test
    void opensOnlyWithMoreThanOneIntraOpThread() {
        try (LlamaModel model = TinyTask.model(3)) {
            model.prepareForTraining(true);
            Torch.threads(1);
            assertNull(ThreadedBackward.open(List.copyOf(model.namedWeights().values()), ComputeDevice.CPU));
        }
    }

    private static Map<String, float[]> twoSteps(List<SftExample> data, TrainConfig config, boolean threaded) throws Exception {
        try (LlamaModel model = TinyTask.model(6); SftRun run = new SftRun(model, data, config, null)) {
            run.setUp();
            assertEquals(threaded, run.threadedBackward());
            run.trainStep(System.nanoTime());
            run.trainStep(System.nanoTime());
            return TinyTask.snapshot(model.namedWeights());
        }
    }

    private static Tensor lossSum(LlamaModel model, Tensor rows) {
        long b = rows.size(0), t = rows.size(1);
        Tensor logits = model.forward(rows, Tensors.positions(b, t), null, null);
        CrossEntropyLossOptions sum = new CrossEntropyLossOptions();
        sum.reduction().put(new LossReduction(new kSum()));
        return cross_entropy(logits.narrow(1, 0, t - 1).reshape(-1, TinyTask.VOCAB), rows.narrow(1, 1, t - 1).reshape(-1), sum);
    }

    private static Map<String, float[]> grads(LlamaModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.namedWeights().forEach((name, p) -> out.put(name, Tensors.toFloats(p.grad())));
        return out;
    }
}
