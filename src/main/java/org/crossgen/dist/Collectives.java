package org.crossgen.dist;

import static org.bytedeco.pytorch.global.torch.zeros;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collective operations of one training job's ranks, on libtorch's own c10d process groups:
 * {@code ProcessGroupGloo} for CPU tensors, {@code ProcessGroupNCCL} for CUDA tensors (CUDA build
 * only), after a {@code TCPStore} rendezvous at {@code MASTER_ADDR:MASTER_PORT} (rank 0 serves it).
 * With one rank every operation is the identity and no process group exists.
 *
 * <p>Every operation blocks until it completed on this rank. A peer that dies closes its sockets
 * and the operation fails at once; one that hangs makes it fail after the timeout. Either way a
 * {@link CollectiveException} says which operation, on which rank, and why, so no rank waits
 * forever for a dead one.
 */
public final class Collectives implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Collectives.class);
    /** PyTorch DDP's default bucket: 25 MiB. */
    public static final long BUCKET_BYTES = 25L << 20;

    private final RankEnvironment env;
    private final ComputeDevice device;
    private final TCPStore store;       // null with one rank
    private final Backend backend;      // null with one rank
    private final Duration timeout;

    private Collectives(RankEnvironment env, ComputeDevice device, TCPStore store, Backend backend, Duration timeout) {
        this.env = env;
        this.device = device;
        this.store = store;
        this.backend = backend;
        this.timeout = timeout;
    }

    /** The one-rank job: every operation is the identity. */
    public static Collectives single(ComputeDevice device) {
        return new Collectives(RankEnvironment.SINGLE, device, null, null, Duration.ZERO);
    }

    /**
     * Joins the job {@code env} describes: waits (up to {@code timeout}) for every rank at the
     * rendezvous, then builds the process group for {@code device}'s kind (Gloo for CPU, NCCL for CUDA).
     */
    public static Collectives connect(RankEnvironment env, ComputeDevice device, Duration timeout) {
        // CROSSGEN_PROCESS_GROUP=1 builds a real group even for one rank (the GPU check's 1-rank NCCL group)
        if (!env.distributed() && !"1".equals(System.getenv("CROSSGEN_PROCESS_GROUP"))) return single(device);
        Torch.init();
        String where = "rank " + env.rank() + " of " + env.worldSize();
        TCPStore store;
        try {
            TCPStoreOptions o = new TCPStoreOptions();
            o.port((short) env.masterPort());
            o.isServer(env.rank() == 0);
            o.numWorkers(new SizeTPointer(1).put(env.worldSize()));
            o.waitWorkers(true);
            o.timeout(new Milliseconds(timeout.toMillis()));
            store = new TCPStore(env.masterAddr(), o);
        } catch (RuntimeException e) {
            throw new CollectiveException(where + ": rendezvous at " + env.masterAddr() + ":" + env.masterPort() + " failed within "
                    + timeout.toSeconds() + " s (is every rank started, and is the port free on rank 0's host?): " + e.getMessage(), e);
        }
        Backend backend = device.isCuda() ? nccl(store, env, device, timeout) : gloo(store, env, timeout);
        log.info("{}: {} process group up (master {}:{}, timeout {} s)", where, device.isCuda() ? "NCCL" : "Gloo",
                env.masterAddr(), env.masterPort(), timeout.toSeconds());
        return new Collectives(env, device, store, backend, timeout);
    }

    private static Backend gloo(TCPStore store, RankEnvironment env, Duration timeout) {
        ProcessGroupGloo.Options o = new ProcessGroupGloo.Options();
        // On loopback pin the transport to 127.0.0.1; elsewhere GLOO_SOCKET_IFNAME, else the interface of the hostname.
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        boolean loopback = env.masterAddr().equals("127.0.0.1") || env.masterAddr().equals("localhost");
        o.devices().push_back(loopback ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1")
                : ifname != null ? ProcessGroupGloo.createDeviceForInterface(ifname) : ProcessGroupGloo.createDefaultDevice());
        o.timeout(new Milliseconds(timeout.toMillis()));
        try {
            return new ProcessGroupGloo(store, env.rank(), env.worldSize(), o);
        } catch (RuntimeException e) {
            throw new CollectiveException("rank " + env.rank() + " of " + env.worldSize() + ": Gloo process group failed: " + e.getMessage(), e);
        }
    }

    private static Backend nccl(TCPStore store, RankEnvironment env, ComputeDevice device, Duration timeout) {
        try {
            String name = device.name();   // NCCL binds its communicator to the current CUDA device
            org.bytedeco.pytorch.global.torch_cuda.set_device((byte) (name.contains(":") ? Integer.parseInt(name.substring(5)) : 0));
            var o = new org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options();
            o.timeout(new Milliseconds(timeout.toMillis()));
            return new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(store, env.rank(), env.worldSize(), o);
        } catch (LinkageError e) {   // the CPU build has the Java classes but not libtorch's NCCL natives
            throw new IllegalStateException("NCCL (multi-GPU training) needs the CUDA build of crossgen: run with CROSSGEN_CUDA=1 "
                    + "on a machine with NVIDIA GPUs (docs/gpu.md); this one could not load it: " + e, e);
        } catch (RuntimeException e) {
            throw new CollectiveException("rank " + env.rank() + " of " + env.worldSize() + ": NCCL process group failed: " + e.getMessage(), e);
        }
    }

    public int rank() {
        return env.rank();
    }

    public int worldSize() {
        return env.worldSize();
    }

    /** True on rank 0, the rank that writes shared files. */
    public boolean isMain() {
        return env.rank() == 0;
    }

    public RankEnvironment environment() {
        return env;
    }

    /** True when a process group exists (several ranks, or one forced by {@code CROSSGEN_PROCESS_GROUP=1}). */
    public boolean hasProcessGroup() {
        return backend != null;
    }

    /** Sums {@code t} over all ranks, in place. */
    public void allReduceSum(Tensor t) {
        if (backend == null) return;
        try (NativeScope scope = NativeScope.open()) {
            await(backend.allreduce(new TensorVector(t)), "all-reduce of " + t.numel() + " elements");
        }
    }

    /**
     * Sums a flat contiguous tensor over all ranks, in place, in buckets of {@link #BUCKET_BYTES}
     * launched together, so the backend pipelines them (what DDP's buckets do, here after the
     * backward pass rather than overlapping it).
     */
    public void allReduceSumBucketed(Tensor flat) {
        if (backend == null) return;
        long n = flat.numel(), bucket = Math.max(1, BUCKET_BYTES / flat.element_size());
        try (NativeScope scope = NativeScope.open()) {
            List<Work> works = new ArrayList<>();
            for (long from = 0; from < n; from += bucket) {
                works.add(backend.allreduce(new TensorVector(flat.narrow(0, from, Math.min(bucket, n - from)))));
            }
            for (Work w : works) await(w, "bucketed all-reduce of " + n + " elements");
        }
    }

    /**
     * Reduce-scatter: {@code in} ({@code worldSize * k} elements, the same layout on every rank) is
     * summed over ranks and this rank receives slice {@code [rank*k, (rank+1)*k)} in {@code out} ({@code k}).
     */
    public void reduceScatterSum(Tensor out, Tensor in) {
        if (backend == null) {
            try (NativeScope scope = NativeScope.open()) {
                out.copy_(in);
            }
            return;
        }
        try (NativeScope scope = NativeScope.open()) {
            await(backend._reduce_scatter_base(out, in), "reduce-scatter of " + in.numel() + " elements");
        }
    }

    /** All-gather: rank r's {@code in} ({@code k}) lands in {@code out[r*k, (r+1)*k)} on every rank. */
    public void allGather(Tensor out, Tensor in) {
        if (backend == null) {
            try (NativeScope scope = NativeScope.open()) {
                out.copy_(in);
            }
            return;
        }
        try (NativeScope scope = NativeScope.open()) {
            await(backend._allgather_base(out, in), "all-gather of " + out.numel() + " elements");
        }
    }

    /** Overwrites {@code t} on every rank with rank 0's. */
    public void broadcastFromMain(Tensor t) {
        if (backend == null) return;
        try (NativeScope scope = NativeScope.open()) {
            await(backend.broadcast(new TensorVector(t)), "broadcast of " + t.numel() + " elements");
        }
    }

    /** Sums each value over all ranks (float64, exact for counts below 2^53). */
    public double[] sum(double... values) {
        if (backend == null) return values.clone();
        try (NativeScope scope = NativeScope.open()) {
            Tensor t = Tensor.create(values, values.length).to(device.device(), ScalarType.Double);
            allReduceSum(t);
            double[] out = new double[values.length];
            t.cpu().contiguous().data_ptr_double().get(out);
            return out;
        }
    }

    /** Returns when every rank has called it (an all-reduce of one element, so it works on Gloo and NCCL alike). */
    public void barrier() {
        if (backend == null) return;
        try (NativeScope scope = NativeScope.open()) {
            allReduceSum(zeros(new long[] {1}, new TensorOptions(device.device())));
        }
    }

    private void await(Work w, String what) {
        try {
            w._wait();
        } catch (RuntimeException e) {
            throw new CollectiveException("rank " + env.rank() + " of " + env.worldSize() + ": " + what + " failed: a peer rank died, "
                    + "or did not answer within the " + timeout.toSeconds() + " s timeout (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "no message";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Releases the process group (NCCL's communicators are shut down first). */
    @Override
    public void close() {
        if (backend == null) return;
        if (backend instanceof org.bytedeco.pytorch.nccl.ProcessGroupNCCL nccl) nccl.shutdown();
        backend.close();
        store.close();
    }
}
