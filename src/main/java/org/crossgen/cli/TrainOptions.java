package org.crossgen.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.train.LrSchedule;
import org.crossgen.train.Precision;
import org.crossgen.train.Sharding;
import org.crossgen.train.TrainConfig;
import picocli.CommandLine.Option;

/**
 * Optimisation options shared by {@code train} and {@code pretrain}; defaults are the paper's recipe,
 * names those of a study spec's {@code training:} keys (docs/cli.md). Typed options (schedule,
 * precision, ZeRO stage, LoRA) are parsed by the converters {@link CrossgenCommand#commandLine()}
 * registers, so a bad value is a usage error naming the option and the allowed values.
 */
final class TrainOptions {
    @Option(names = "--epochs", defaultValue = "2", description = "Passes over the training set (default: ${DEFAULT-VALUE}).") int epochs;
    @Option(names = "--lr", defaultValue = "2e-5", description = "Peak learning rate (default: ${DEFAULT-VALUE}).") double lr;
    @Option(names = "--schedule", defaultValue = "linear", description = "linear, cosine or constant (default: ${DEFAULT-VALUE}).")
    LrSchedule schedule;
    @Option(names = "--warmup-ratio", paramLabel = "R", description = "Fraction of the optimizer steps that warm the learning rate up "
            + "from 0, in [0, 1), as a spec's warmup_ratio (default: 0).") Double warmupRatio;
    @Option(names = "--warmup-steps", paramLabel = "N", description = "Warm up for N optimizer steps instead of a ratio.") Long warmupSteps;
    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).") double weightDecay;
    @Option(names = "--batch-size", defaultValue = "16", description = "Effective batch: examples per optimizer step (default: ${DEFAULT-VALUE}).")
    int batch;
    // no defaultValue: picocli would apply it after the hidden --micro-batch set the field
    @Option(names = "--micro-batch-size", description = "Examples per forward pass; gradient accumulation = batch / micro-batch "
            + "(default: ${DEFAULT-VALUE}).") int micro = 4;
    @Option(names = "--max-length", defaultValue = "1024", description = "Tokens per example (prompts are fitted to it; default: ${DEFAULT-VALUE}).")
    int maxLength;
    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
            description = "fp32 (= float32); bf16 (= bfloat16: bf16 weights and gradients, fp32 master weights and AdamW state, as "
                    + "DeepSpeed); bf16-autocast (fp32 weights, bf16 matmuls). Default: ${DEFAULT-VALUE}.") Precision precision;
    @Option(names = "--activation-checkpointing", description = "Recompute each decoder layer in the backward pass: "
            + "activation memory of one layer instead of all, for about a third more compute.") boolean activationCheckpointing;
    @Option(names = "--zero", defaultValue = "0", paramLabel = "STAGE", description = "With several ranks: 0 (plain data parallel), "
            + "1 (shard fp32 master weights and AdamW state) or 2 (also reduce-scatter gradients). Default: ${DEFAULT-VALUE}.") Sharding zero;
    @Option(names = "--seed", defaultValue = "1", description = "Data order, LoRA init, dropout and FTICL's random demonstrations; "
            + "a spec's seeds (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Optimizer steps between checkpoints (0 = only at the end; "
            + "default: ${DEFAULT-VALUE}).") long checkpointEvery;
    @Option(names = "--lora", paramLabel = "r=8[,alpha=16,dropout=0.05,targets=q_proj+v_proj]",
            description = "Train a LoRA adapter instead of all weights; unset keys take PEFT's defaults.") LoraConfig lora;

    /** Old spelling of {@code --micro-batch-size}, accepted for one release. */
    @Option(names = "--micro-batch", hidden = true, paramLabel = "N")
    void oldMicroBatch(int n) {
        micro = n;
    }

    /** The run's configuration; {@code precision} overrides {@code --precision} (train's {@code --dtype}), {@code examples} sizes the warmup. */
    TrainConfig config(Precision precision, long examples) {
        if (batch % micro != 0) throw new IllegalArgumentException("--batch-size " + batch + " must be a multiple of --micro-batch-size " + micro);
        if (warmupRatio != null && warmupSteps != null) throw new IllegalArgumentException("give --warmup-ratio or --warmup-steps, not both");
        if (warmupRatio != null && (warmupRatio < 0 || warmupRatio >= 1)) {
            throw new IllegalArgumentException("--warmup-ratio must be in [0, 1), got " + warmupRatio);
        }
        long warmup = warmupSteps != null ? warmupSteps
                : warmupRatio == null ? 0 : TrainConfig.warmupSteps(warmupRatio, examples, batch, epochs);
        return TrainConfig.builder().epochs(epochs).learningRate(lr).schedule(schedule).warmupSteps(warmup)
                .weightDecay(weightDecay).microBatchSize(micro).gradientAccumulation(batch / micro).maxLength(maxLength)
                .precision(precision == null ? this.precision : precision).seed(seed)
                .checkpointEvery(checkpointEvery).lora(lora).activationCheckpointing(activationCheckpointing).sharding(zero).build();
    }

    /** The configuration with {@code --precision}, for a run whose example count is not known yet (no --warmup-ratio). */
    TrainConfig config() {
        return config(null, 0);
    }

    /**
     * {@code r=8,alpha=16,dropout=0.05,targets=q_proj+v_proj}; unset keys take PEFT's defaults. A
     * bad spelling says which part and key: {@code "r=eight": r must be a whole number}.
     */
    static LoraConfig parseLora(String spec) {
        LoraConfig d = LoraConfig.defaults();
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] p = part.split("=", 2);
            if (p.length != 2) throw new IllegalArgumentException("\"" + part + "\" is not key=value; keys: r, alpha, dropout, targets");
            kv.put(p[0].trim(), p[1].trim());
        }
        List<String> unknown = new ArrayList<>(kv.keySet());
        unknown.removeAll(List.of("r", "alpha", "dropout", "targets"));
        if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown keys " + unknown + "; known: [r, alpha, dropout, targets]");
        int r = kv.containsKey("r") ? (int) number(kv, "r", true) : d.r();
        return new LoraConfig(r, kv.containsKey("alpha") ? number(kv, "alpha", false) : r * d.alpha() / d.r(),
                kv.containsKey("dropout") ? number(kv, "dropout", false) : d.dropout(),
                kv.containsKey("targets") ? List.of(kv.get("targets").split("\\+")) : d.targetModules());
    }

    private static double number(Map<String, String> kv, String key, boolean whole) {
        String v = kv.get(key);
        try {
            return whole ? Integer.parseInt(v) : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + key + "=" + v + "\": " + key + " must be " + (whole ? "a whole number" : "a number"));
        }
    }
}
