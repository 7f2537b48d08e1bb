package org.crossgen.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraConfig;

/**
 * The peak memory one rank needs to fine-tune a model, from its {@code config.json} alone (no
 * weights are read), for a precision, a ZeRO stage over a number of ranks, activation
 * checkpointing, the micro-batch and the maximum length. Every field is bytes per rank; the
 * rows add up to {@link #peak()}.
 *
 * <p>Activations count what autograd keeps for the backward pass of one decoder layer, per token:
 * the layer input and the two norms' outputs, q, the (repeated) k and v and the attention output
 * that flash attention saves, the o-projection input and the residual sum (9 x hidden), and the
 * MLP's gate, up, SiLU and product (4 x intermediate); with LoRA, each adapted input's dropout copy.
 * Checkpointing keeps one hidden-sized input per layer instead, and recomputes one layer at a time.
 * The loss head holds the target positions' float32 log-probabilities and two (N, V) gradients
 * during its backward, sized for every position of the micro-batch being a target (an upper bound). Measured against
 * this estimate: {@code docs/training.md}.
 *
 * @param parameters     weights of the model
 * @param trainable      weights the optimizer updates (all of them, or the LoRA adapter's)
 * @param worldSize      data-parallel ranks
 * @param weights        the model's weights (and adapter) in the precision's weight dtype
 * @param gradients      the flat gradient buffer, plus ZeRO-2's reduced slice
 * @param master         float32 master weights (this rank's slice); 0 when fp32 weights are their own master
 * @param optimizer      AdamW's two float32 moments (this rank's slice)
 * @param autocastCopies bf16 casts of the trainable weights that autocast keeps during the forward
 * @param activations    tensors kept for the backward pass
 * @param workspace      the largest transient: the loss head, or a recomputed layer and its gradients
 * @param runtime        a fixed allowance for the CUDA context, libtorch and communication buffers
 */
public record MemoryPlan(long parameters, long trainable, int worldSize, long weights, long gradients, long master, long optimizer,
                         long autocastCopies, long activations, long workspace, long runtime) {
    /** The runtime allowance: 1 GiB. */
    public static final long RUNTIME = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The plan for {@code model} trained as {@code c} says on {@code worldSize} ranks. */
    public static MemoryPlan of(LlamaConfig model, TrainConfig c, int worldSize) {
        if (worldSize < 1) throw new IllegalArgumentException("worldSize must be >= 1, got " + worldSize);
        Map<String, long[]> shapes = LlamaModel.expectedShapes(model);
        long params = LlamaModel.parameterCount(model);
        LoraConfig lora = c.lora();
        long adapter = 0, adapterInputsPerLayer = 0;
        if (lora != null) {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                if (!isLoraTarget(e.getKey(), lora)) continue;
                long out = e.getValue()[0], in = e.getValue()[1];
                adapter += (long) lora.r() * (in + out);
                if (e.getKey().startsWith("model.layers.0.")) adapterInputsPerLayer += (lora.dropout() > 0 ? in : 0) + lora.r();
            }
        }
        long trainable = lora == null ? params : adapter;
        Precision p = c.precision();
        int w = p.weights.bytes;
        boolean sharded = worldSize > 1 && c.sharding().sharded();
        long padded = (trainable + worldSize - 1) / worldSize * worldSize;
        long slice = sharded ? padded / worldSize : padded;

        long weights = (params + adapter) * w;
        long gradients = trainable * (long) w + (worldSize > 1 && c.sharding() == Sharding.GRADIENTS ? slice * w : 0);
        long master = sharded || p.hasMasterWeights() ? slice * 4 : 0;
        long optimizer = slice * 8;
        long autocastCopies = p == Precision.BF16_AUTOCAST && lora == null ? params * 2 : 0;

        long tokens = (long) c.microBatchSize() * c.maxLength();
        long hidden = model.hiddenSize(), ffn = model.intermediateSize(), layers = model.numLayers();
        long layerBytes = tokens * switch (p) {   // one decoder layer's saved tensors
            case FP32 -> (9 * hidden + 4 * ffn + adapterInputsPerLayer) * 4;
            case BF16 -> (9 * hidden + 4 * ffn + adapterInputsPerLayer) * 2;
            case BF16_AUTOCAST -> 4 * hidden * 4 + (5 * hidden + 4 * ffn + adapterInputsPerLayer) * 2;   // residual stream fp32, matmul outputs bf16
        };
        int act = p == Precision.FP32 ? 4 : 2;
        long residual = tokens * hidden * (p == Precision.BF16 ? 2 : 4);     // one (B, T, C) tensor of the residual stream
        // the backward of the loss: fp32 log-probabilities, the NLL's dense gradient and log_softmax's (+ its bf16 cast)
        long head = tokens * model.vocabSize() * (act == 4 ? 12 : 14);
        long gradsInFlight = 3 * tokens * hidden * 4;                        // the backward's (B, T, C) gradients at a layer boundary
        long activations, workspace;
        if (c.activationCheckpointing()) {
            activations = (layers + 2) * residual;                           // each layer's input, the final norm's input and output
            workspace = Math.max(head, layerBytes + gradsInFlight);
        } else {
            activations = layers * layerBytes + 2 * residual;
            workspace = head + gradsInFlight;
        }
        return new MemoryPlan(params, trainable, worldSize, weights, gradients, master, optimizer, autocastCopies, activations, workspace, RUNTIME);
    }

    private static boolean isLoraTarget(String weightName, LoraConfig lora) {
        if (!weightName.endsWith(".weight") || !weightName.startsWith("model.layers.")) return false;
        String module = weightName.substring(0, weightName.length() - ".weight".length());
        return lora.targetModules().contains(module.substring(module.lastIndexOf('.') + 1));
    }

    public long peak() {
        return weights + gradients + master + optimizer + autocastCopies + activations + workspace + runtime;
    }

    /**
     * Changes of the command-line options that bring the plan within {@code limit}: each single
     * change that does, or else the first cumulative combination of them that does (checkpointing,
     * bf16, ZeRO-2, more ranks, a smaller micro-batch); plus LoRA for full fine-tuning. Empty
     * when nothing tried fits.
     */
    public static List<String> fixes(LlamaConfig model, TrainConfig c, int worldSize, long limit) {
        List<Change> steps = new ArrayList<>();
        if (!c.activationCheckpointing()) steps.add(new Change("--activation-checkpointing", c.toBuilder().activationCheckpointing(true).build(), worldSize));
        if (c.precision() != Precision.BF16) steps.add(new Change("--precision bf16", c.toBuilder().precision(Precision.BF16).build(), worldSize));
        if (worldSize > 1 && !c.sharding().sharded()) steps.add(new Change("--zero 2", c.toBuilder().sharding(Sharding.GRADIENTS).build(), worldSize));
        List<String> out = new ArrayList<>();
        for (Change s : steps) if (of(model, s.config, s.world).peak() <= limit) out.add(s.describe(model));
        if (out.isEmpty()) {
            TrainConfig all = c.toBuilder().activationCheckpointing(true).precision(Precision.BF16)
                    .sharding(worldSize > 1 ? Sharding.GRADIENTS : c.sharding()).build();
            Change combined = grow(model, all, worldSize, limit, steps.stream().map(Change::flag).toList());
            if (combined != null) out.add(combined.describe(model));
        }
        if (c.lora() == null) {
            TrainConfig lora = c.toBuilder().lora(LoraConfig.defaults()).build();
            if (of(model, lora, worldSize).peak() <= limit) {
                out.add("LoRA instead of full fine-tuning: " + new Change("--lora r=" + LoraConfig.defaults().r(), lora, worldSize).describe(model));
            }
        }
        return out;
    }

    /** {@code flags} applied, then more ranks with ZeRO-2, then smaller micro-batches, until the plan fits. */
    private static Change grow(LlamaConfig model, TrainConfig c, int world, long limit, List<String> flags) {
        if (of(model, c, world).peak() <= limit) return new Change(String.join(" ", flags), c, world);
        TrainConfig zero = c.toBuilder().sharding(Sharding.GRADIENTS).build();
        for (int n = Math.max(2, world * 2); n <= 64 && c.lora() == null; n *= 2) {
            if (of(model, zero, n).peak() <= limit) {
                List<String> f = new ArrayList<>(flags);
                f.removeIf(x -> x.startsWith("--zero"));
                f.add("--nproc " + n + " --zero 2");
                return new Change(String.join(" ", f), zero, n);
            }
        }
        for (int m = c.microBatchSize() / 2; m >= 1; m /= 2) {
            TrainConfig smaller = c.toBuilder().microBatchSize(m).gradientAccumulation(c.effectiveBatchSize() / m).build();
            if (of(model, smaller, world).peak() <= limit) {
                List<String> f = new ArrayList<>(flags);
                f.add("--micro-batch " + m);
                return new Change(String.join(" ", f), smaller, world);
            }
        }
        return null;
    }

    private record Change(String flag, TrainConfig config, int world) {
        String describe(LlamaConfig model) {
            return flag + " (" + gib(of(model, config, world).peak()) + " per rank)";
        }
    }

    /** {@code 12.55 GiB}. */
    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /** The plan as an aligned table, one row per component, ending with the peak against {@code limit} ({@code <= 0}: none). */
    public String table(String limitSource, long limit) {
        StringBuilder b = new StringBuilder();
        row(b, "weights", weights);
        row(b, "gradients", gradients);
        row(b, "fp32 master weights", master);
        row(b, "AdamW moments", optimizer);
        if (autocastCopies > 0) row(b, "autocast weight copies", autocastCopies);
        row(b, "activations", activations);
        row(b, "workspace", workspace);
        row(b, "runtime allowance", runtime);
        b.append(String.format(Locale.ROOT, "  %-24s %12s", "peak per rank", gib(peak())));
        if (limit > 0) {
            b.append(String.format(Locale.ROOT, "  of %s (%s): %s", gib(limit), limitSource, peak() <= limit ? "fits" : "does NOT fit"));
        }
        return b.append('\n').toString();
    }

    private static void row(StringBuilder b, String name, long bytes) {
        b.append(String.format(Locale.ROOT, "  %-24s %12s%n", name, gib(bytes)));
    }

    /** The same numbers as JSON (bytes), with the limit and whether the plan fits when one is given. */
    public ObjectNode toJson(String limitSource, long limit) {
        ObjectNode j = JSON.createObjectNode();
        j.put("parameters", parameters);
        j.put("trainable", trainable);
        j.put("world_size", worldSize);
        ObjectNode bytes = j.putObject("bytes_per_rank");
        bytes.put("weights", weights);
        bytes.put("gradients", gradients);
        bytes.put("master_weights", master);
        bytes.put("adamw_moments", optimizer);
        bytes.put("autocast_weight_copies", autocastCopies);
        bytes.put("activations", activations);
        bytes.put("workspace", workspace);
        bytes.put("runtime", runtime);
        bytes.put("peak", peak());
        if (limit > 0) {
            j.put("limit_bytes", limit);
            j.put("limit_source", limitSource);
            j.put("fits", peak() <= limit);
        }
        return j;
    }
}
