package org.crossgen.train;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.set_num_threads;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forward and backward of a batch's row blocks on CPU threads of their own, one block per thread,
 * each thread with one intra-op thread and OpenBLAS on one thread; the blocks' gradients are added to
 * the trainable tensors' {@code .grad} in block order, so the result does not depend on which thread
 * finishes first (libtorch's own accumulation from concurrent backward passes would).
 *
 * <p>Why: on the CPU, libtorch splits each op of one backward pass over the cores, and a training
 * step's products (a few hundred rows by the hidden size) divide poorly: OpenBLAS's hand-offs and idle
 * spinning took 12% of an fp32 step in {@code perf}. Whole row blocks on their own cores need no
 * hand-off. On 2 cores, paired runs: the bench's 58M step (4 x 256) fp32 1.12x, bf16 1.21x (medians);
 * fine-tuning the built-in model ({@code crossgen train}, batch 16) 1.5-2.6x (docs/engine.md, Threaded backward).
 *
 * <p>The cost is memory: each block's gradient is a full copy of the trainable tensors until it is
 * added, so {@link #open} declines when those copies would take more than a quarter of the memory.
 */
public final class ThreadedBackward implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ThreadedBackward.class);

    private final List<Tensor> params;      // own handles on the trainable tensors, in order
    private final TensorVector inputs;
    private final ExecutorService workers;
    private final int threads;
    private final int blasThreads;          // OpenBLAS's threads outside run()

    private ThreadedBackward(List<Tensor> trainable, int threads) {
        this.threads = threads;
        this.blasThreads = Torch.blasThreads();
        List<Tensor> own = new ArrayList<>();
        try (NativeScope scope = NativeScope.open()) {
            for (Tensor t : trainable) own.add(scope.keep(new Tensor(t)));
            inputs = scope.keep(new TensorVector(own.toArray(new Tensor[0])));
        }
        this.params = List.copyOf(own);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "crossgen-backward-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        oneIntraOpThreadEach();
    }

    /**
     * Threads for the trainable tensors' backward passes, one per intra-op thread, or null where they
     * do not apply: off the CPU, with one intra-op thread, or when a gradient copy per thread would
     * take more than a quarter of the machine's memory.
     */
    public static ThreadedBackward open(List<Tensor> trainable, ComputeDevice device) {
        int threads = Torch.threads();
        if (device.isCuda() || threads < 2) return null;
        long gradBytes = 0;
        for (Tensor t : trainable) gradBytes += t.numel() * t.element_size();
        long memory = physicalMemory();
        if (threads * gradBytes > memory / 4) {
            log.info("backward passes stay on one thread: {} gradient copies of {} MB would exceed a quarter of {} MB of memory",
                    threads, gradBytes >> 20, memory >> 20);
            return null;
        }
        return new ThreadedBackward(trainable, threads);
    }

    /** How many blocks {@link #run} takes at most: the intra-op threads when it was opened. */
    public int threads() {
        return threads;
    }

    /**
     * Into how many row blocks a batch of {@code rows} is cut: one per thread when every thread gets a
     * row, else 1 (the batch runs on the calling thread).
     */
    public int blocksFor(long rows) {
        return rows >= threads ? threads : 1;
    }

    /**
     * Runs each block on its own thread: {@code block.call()} builds the block's summed loss (a scalar),
     * and its gradient divided by {@code divisor} is added to the trainable tensors' gradients, block
     * after block. Returns the sum of the blocks' losses. A failing block fails the call, after every
     * other block has finished, with its own exception.
     */
    public double run(List<Callable<Tensor>> blocks, double divisor) {
        if (blocks.isEmpty() || blocks.size() > threads) {
            throw new IllegalArgumentException(blocks.size() + " blocks for " + threads + " threads");
        }
        Torch.blasThreads(1);   // one pool shared by every caller: each block's products stay on its own thread
        List<Future<Gradient>> running = new ArrayList<>();
        try {
            for (Callable<Tensor> b : blocks) running.add(workers.submit(() -> gradient(b, divisor)));
            List<Gradient> done = new ArrayList<>();
            RuntimeException failure = null;
            for (Future<Gradient> f : running) {
                try {
                    done.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failure == null) failure = new IllegalStateException("interrupted during a backward pass", e);
                }
            }
            if (failure != null) {
                done.forEach(Gradient::release);
                throw failure;
            }
            double sum = 0;
            for (Gradient g : done) {
                sum += g.loss;
                addTo(g);
            }
            return sum;
        } finally {
            Torch.blasThreads(blasThreads);
        }
    }

    private record Gradient(Tensor[] tensors, double loss) {
        void release() {
            for (Tensor t : tensors) NativeScope.release(t);
        }
    }

    /** On a worker: the block's loss and the gradient of loss / divisor with respect to every trainable tensor. */
    private Gradient gradient(Callable<Tensor> block, double divisor) throws Exception {
        try (NativeScope scope = NativeScope.open()) {
            Tensor sum = block.call();
            TensorVector g = org.bytedeco.pytorch.global.torch.grad(new TensorVector(sum.div(new Scalar(divisor))), inputs,
                    new TensorVector(), new BoolOptional(), false, true);   // allow unused: a tensor the block never reached gets none
            Tensor[] out = new Tensor[params.size()];
            for (int i = 0; i < out.length; i++) out[i] = scope.keep(new Tensor(g.get(i)));
            return new Gradient(out, sum.item_double());
        }
    }

    /** {@code .grad += g}, as autograd's own accumulation does it, or {@code .grad = g} where there is none yet. */
    private void addTo(Gradient g) {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor d = g.tensors[i];
                if (!d.defined()) continue;
                Tensor p = params.get(i);
                Tensor grad = p.grad();
                if (grad.defined()) grad.add_(d);
                else p.mutable_grad().put(d.is_sparse() ? d.to_dense() : d);   // the block's own fresh tensor (dense: .grad never holds a sparse one)
            }
        } finally {
            g.release();
        }
    }

    /**
     * Gives every worker one intra-op thread. libtorch keeps that count per thread under OpenMP, but
     * {@code set_num_threads} also sets the count new threads start from, so the caller's is put back
     * once every worker has taken its own.
     */
    private void oneIntraOpThreadEach() {
        int mine = Torch.threads();
        CountDownLatch ready = new CountDownLatch(threads);
        List<Future<Integer>> counts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            counts.add(workers.submit(() -> {
                set_num_threads(1);
                int n = get_num_threads();
                ready.countDown();
                ready.await();   // holds this thread, so each of the others takes a task of its own
                return n;
            }));
        }
        try {
            for (Future<Integer> c : counts) {
                if (c.get() != 1) throw new IllegalStateException("a backward thread kept " + c.get() + " intra-op threads");
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot start the backward threads", e);
        } finally {
            set_num_threads(mine);
        }
        if (get_num_threads() != mine) throw new IllegalStateException("intra-op threads " + get_num_threads() + ", expected " + mine);
    }

    private static long physicalMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getTotalMemorySize() : Runtime.getRuntime().maxMemory();
    }

    @Override
    public void close() {
        workers.shutdownNow();
        params.forEach(NativeScope::release);
        NativeScope.release(inputs);
    }
}
