package org.crossgen.train;

import static org.bytedeco.pytorch.global.torch.linalg_vector_norm;
import static org.bytedeco.pytorch.global.torch.zeros;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.dist.Collectives;
import org.crossgen.tensor.NativeScope;

/**
 * The optimizer step of a run on one or more data-parallel ranks: gradient synchronisation,
 * global-norm clipping, AdamW on float32 master weights, and the write-back into the model's
 * weights, all on {@link FlatParameters}' buffers.
 *
 * <ul>
 *   <li>{@link Sharding#NONE}: gradients are summed over ranks (bucketed all-reduce); each rank
 *       holds the whole optimizer state and makes the same update.</li>
 *   <li>{@link Sharding#OPTIMIZER} (ZeRO-1): gradients all-reduced; each rank keeps float32 master
 *       weights and AdamW moments for its 1/N slice only, updates that slice, and the updated
 *       weights are all-gathered.</li>
 *   <li>{@link Sharding#GRADIENTS} (ZeRO-2): as ZeRO-1, but gradients are reduce-scattered, so a
 *       rank receives only its slice's summed gradient.</li>
 * </ul>
 * In every mode the local gradient buffer stays whole during the backward pass (buckets are not
 * freed as they are reduced), so ZeRO-1 and ZeRO-2 need the same memory here; ZeRO-2 halves the
 * gradient traffic.
 *
 * <p>Gradients are summed, not averaged: the loss of every micro-batch is already divided by the
 * target tokens of the whole step across all ranks, so the sum is the one-rank gradient.
 */
final class DistributedOptimizer implements AutoCloseable {
    /** Float32 temporaries (gradient copies) are made this many elements at a time. */
    static final long CHUNK = 1L << 24;

    private final FlatParameters flat;
    private final Collectives group;
    private final Sharding sharding;
    private final double maxGradNorm;
    final long shardFrom, shardNumel;   // this rank's range of the padded flat buffer (all of it when not sharded)
    private final Tensor master;        // (shardNumel) fp32, owned; null when the fp32 weights are their own master
    private final Tensor gradShard;     // (shardNumel) gradient dtype, owned: reduce-scatter output (ZeRO-2)
    private final Tensor sendShard;     // (shardNumel) weight dtype, owned: all-gather input when the master is fp32 and the weights are not
    final AdamW adam;

    DistributedOptimizer(FlatParameters flat, Collectives group, Sharding sharding, TrainConfig c) {
        this.flat = flat;
        this.group = group;
        this.sharding = group.worldSize() == 1 ? Sharding.NONE : sharding;
        this.maxGradNorm = c.maxGradNorm();
        boolean sharded = this.sharding.sharded();
        this.shardNumel = sharded ? flat.paddedNumel / group.worldSize() : flat.paddedNumel;
        this.shardFrom = sharded ? shardNumel * group.rank() : 0;
        boolean fp32Weights = flat.weights.scalar_type().intern() == ScalarType.Float;
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor mine = flat.weights.narrow(0, shardFrom, shardNumel);
            this.master = sharded || !fp32Weights ? scope.keep(mine.to(ScalarType.Float).clone()) : null;
            this.gradShard = this.sharding == Sharding.GRADIENTS ? scope.keep(flat.grads.new_zeros(shardNumel)) : null;
            this.sendShard = sharded && !fp32Weights ? scope.keep(flat.weights.new_zeros(shardNumel)) : null;
        }
        long decay = Math.min(shardNumel, Math.max(0, flat.decayNumel - shardFrom));
        this.adam = new AdamW(shardNumel, decay, c.beta1(), c.beta2(), c.eps(), c.weightDecay(), flat.weights);
    }

    Sharding sharding() {
        return sharding;
    }

    /**
     * Synchronises this step's gradients, clips them to {@code maxGradNorm}, updates the weights
     * with learning rate {@code lr} and zeroes the gradients. Returns the global gradient norm
     * before clipping.
     */
    double step(double lr) {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Tensor grad = synchronisedGradient();
            double squares = sumOfSquares(grad);
            if (sharding.sharded()) squares = group.sum(squares)[0];   // each rank holds one slice of the gradient
            double norm = Math.sqrt(squares);
            double clip = maxGradNorm > 0 ? Math.min(1.0, maxGradNorm / (norm + 1e-6)) : 1.0;   // torch's clip_grad_norm_
            adam.beginStep();
            for (long from = 0; from < shardNumel; from += CHUNK) {
                long n = Math.min(CHUNK, shardNumel - from);
                try (NativeScope chunk = NativeScope.open()) {
                    Tensor g = grad.narrow(0, from, n).to(ScalarType.Float);   // a view when already fp32
                    if (clip < 1.0) g.mul_(new Scalar(clip));
                    Tensor p = master != null ? master.narrow(0, from, n) : flat.weights.narrow(0, shardFrom + from, n);
                    adam.update(from, p, g, lr);
                    if (master != null && !sharding.sharded()) flat.weights.narrow(0, from, n).copy_(p);   // round into the weights
                }
            }
            if (sharding.sharded()) gatherWeights();
            flat.zeroGrad();
            if (gradShard != null) gradShard.zero_();
            return norm;
        }
    }

    /** This rank's range of the summed gradient (in the gradient dtype). */
    private Tensor synchronisedGradient() {
        if (sharding == Sharding.GRADIENTS) {
            group.reduceScatterSum(gradShard, flat.grads);
            return gradShard;
        }
        group.allReduceSumBucketed(flat.grads);
        return flat.grads.narrow(0, shardFrom, shardNumel);
    }

    private static double sumOfSquares(Tensor g) {
        Tensor acc = zeros(new long[] {}, new TensorOptions(g.device()).dtype(new ScalarTypeOptional(ScalarType.Double)));
        for (long from = 0; from < g.numel(); from += CHUNK) {
            Tensor norm = linalg_vector_norm(g.narrow(0, from, Math.min(CHUNK, g.numel() - from)), new Scalar(2), new long[] {}, false,
                    new ScalarTypeOptional(ScalarType.Float));
            acc.add_(norm.to(ScalarType.Double).square());
        }
        return acc.item_double();
    }

    /** Every rank's updated master slice, in the weights' dtype, into every rank's weights. */
    private void gatherWeights() {
        Tensor send = master;
        if (sendShard != null) send = sendShard.copy_(master);
        group.allGather(flat.weights, send);
    }

    /** The float32 master slice (null when the fp32 weights are their own master). */
    Tensor master() {
        return master;
    }

    /**
     * State under per-tensor names for an unsharded checkpoint: {@code exp_avg/<name>},
     * {@code exp_avg_sq/<name>} and, with a separate master, {@code master/<name>} (live views).
     */
    Map<String, Tensor> namedState() {
        if (sharding.sharded()) throw new IllegalStateException("a sharded optimizer saves its slice, not named tensors");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String kind : OptimizerFiles.KINDS) {
            Tensor flatState = kind.equals(OptimizerFiles.MASTER) ? master : kind.equals(OptimizerFiles.EXP_AVG) ? adam.expAvg() : adam.expAvgSq();
            if (flatState == null) continue;
            for (FlatParameters.Segment s : flat.segments) {
                out.put(kind + "/" + s.name(), flatState.narrow(0, s.offset(), s.numel()).view(s.shape()));
            }
        }
        return out;
    }

    /** This rank's slice for a sharded checkpoint: flat {@code exp_avg}, {@code exp_avg_sq}, {@code master}. */
    Map<String, Tensor> shardState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(OptimizerFiles.EXP_AVG, adam.expAvg());
        out.put(OptimizerFiles.EXP_AVG_SQ, adam.expAvgSq());
        out.put(OptimizerFiles.MASTER, master);
        return out;
    }

    /**
     * Restores moments (and the master, when the files have one) for this rank's range from a
     * checkpoint written with any sharding and world size, after the weights were restored; then
     * writes the master back into the weights.
     */
    void load(OptimizerFiles files, long adamStep) throws java.io.IOException {
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            files.read(OptimizerFiles.EXP_AVG, shardFrom, adam.expAvg());
            files.read(OptimizerFiles.EXP_AVG_SQ, shardFrom, adam.expAvgSq());
            if (master != null) {
                if (files.has(OptimizerFiles.MASTER)) files.read(OptimizerFiles.MASTER, shardFrom, master);
                else master.copy_(flat.weights.narrow(0, shardFrom, shardNumel));   // fp32 weights were the master
                if (sharding.sharded()) gatherWeights();
                else flat.weights.copy_(master);
            }
            adam.restoredAt(adamStep);
        }
    }

    @Override
    public void close() {
        adam.close();
        NativeScope.release(master);
        NativeScope.release(gradShard);
        NativeScope.release(sendShard);
    }
}
