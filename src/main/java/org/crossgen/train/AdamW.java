package org.crossgen.train;

import static org.bytedeco.pytorch.global.torch.zeros_like;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.NativeScope;

/**
 * AdamW with decoupled weight decay, written out in tensor ops so its state is plain named
 * tensors that a checkpoint saves and restores exactly. The arithmetic is torch.optim.AdamW's
 * single-tensor path (PyTorch 2.x, {@code amsgrad=False, maximize=False}), op for op:
 *
 * <pre>
 *   step += 1
 *   p     *= 1 - lr * weight_decay
 *   m      = lerp(m, g, 1 - beta1)                    # m + (1 - beta1) (g - m)
 *   v      = v * beta2 + (1 - beta2) g^2
 *   denom  = sqrt(v) / sqrt(1 - beta2^step) + eps
 *   p     -= lr / (1 - beta1^step) * m / denom
 * </pre>
 *
 * Two parameter groups: {@code decay} (matrices) uses the configured weight decay, {@code noDecay}
 * (norm weights, biases, every 1-D tensor) uses 0. The learning rate is passed to each
 * {@link #step} (the schedule sets it for every group). State tensors are fp32 like the parameters.
 */
final class AdamW implements AutoCloseable {
    /** One parameter and its moments. */
    static final class Slot {
        final String name;
        final Tensor param;
        final boolean decay;
        final Tensor expAvg, expAvgSq;  // same shape as param, owned

        Slot(String name, Tensor param, boolean decay) {
            this.name = name;
            this.param = param;
            this.decay = decay;
            try (NativeScope scope = NativeScope.open()) {
                this.expAvg = scope.keep(zeros_like(param));
                this.expAvgSq = scope.keep(zeros_like(param));
            }
        }
    }

    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private long step;

    /**
     * @param params trainable tensors by name; 1-D tensors and names containing "norm" or ending
     *               in ".bias" go to the no-decay group
     */
    AdamW(Map<String, Tensor> params, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            slots.put(e.getKey(), new Slot(e.getKey(), e.getValue(), decays(e.getKey(), e.getValue())));
        }
    }

    static boolean decays(String name, Tensor p) {
        return p.dim() >= 2 && !name.contains("norm") && !name.endsWith(".bias");
    }

    /** Applies one update with learning rate {@code lr} to every parameter that has a gradient. */
    void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            Scalar oneMinusBeta1 = new Scalar(1 - beta1), beta2s = new Scalar(beta2), oneMinusBeta2 = new Scalar(1 - beta2);
            Scalar stepSize = new Scalar(-lr / bc1), bc2 = new Scalar(bc2Sqrt), epsS = new Scalar(eps);
            for (Slot s : slots.values()) {
                Tensor g = s.param.grad();
                if (!g.defined()) continue;
                double wd = s.decay ? weightDecay : 0.0;
                if (wd != 0) s.param.mul_(new Scalar(1 - lr * wd));
                s.expAvg.lerp_(g, oneMinusBeta1);
                s.expAvgSq.mul_(beta2s).addcmul_(g, g, oneMinusBeta2);
                Tensor denom = s.expAvgSq.sqrt().div_(bc2).add_(epsS);
                s.param.addcdiv_(s.expAvg, denom, stepSize);
            }
        }
    }

    /** Sets every gradient to zero (keeps the buffers, like {@code zero_grad(set_to_none=False)}). */
    void zeroGrad() {
        try (NativeScope scope = NativeScope.open()) {
            for (Slot s : slots.values()) {
                Tensor g = s.param.grad();
                if (g.defined()) g.zero_();
            }
        }
    }

    long stepCount() {
        return step;
    }

    List<Tensor> parameters() {
        List<Tensor> out = new ArrayList<>();
        for (Slot s : slots.values()) out.add(s.param);
        return out;
    }

    /** State tensors by name: {@code exp_avg/<param>} and {@code exp_avg_sq/<param>} (live, not copies). */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Slot s : slots.values()) {
            out.put("exp_avg/" + s.name, s.expAvg);
            out.put("exp_avg_sq/" + s.name, s.expAvgSq);
        }
        return out;
    }

    /** Copies saved moments into this optimizer's state and sets the step count; every name must match. */
    void load(Map<String, Tensor> saved, long savedStep, String where) {
        Map<String, Tensor> mine = state();
        if (!saved.keySet().equals(mine.keySet())) {
            List<String> missing = new ArrayList<>(mine.keySet());
            missing.removeAll(saved.keySet());
            List<String> extra = new ArrayList<>(saved.keySet());
            extra.removeAll(mine.keySet());
            throw new IllegalStateException(where + ": optimizer state does not match the trainable parameters; missing "
                    + missing.stream().limit(3).toList() + ", unexpected " + extra.stream().limit(3).toList());
        }
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : mine.entrySet()) e.getValue().copy_(saved.get(e.getKey()));
        }
        this.step = savedStep;
    }

    @Override
    public void close() {
        for (Slot s : slots.values()) {
            NativeScope.release(s.expAvg);
            NativeScope.release(s.expAvgSq);
        }
        slots.clear();
    }
}
