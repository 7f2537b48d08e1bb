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

/** Optimisation options shared by {@code train} and {@code pretrain}; defaults are the paper's recipe. */
final class TrainOptions {
    @Option(names = "--epochs", defaultValue = "2") int epochs;
    @Option(names = "--lr", defaultValue = "2e-5", description = "Peak learning rate (default ${DEFAULT-VALUE}).") double lr;
    @Option(names = "--schedule", defaultValue = "linear", description = "linear, cosine or constant.") String schedule;
    @Option(names = "--warmup-steps", defaultValue = "0") long warmup;
    @Option(names = "--weight-decay", defaultValue = "0") double weightDecay;
    @Option(names = "--batch-size", defaultValue = "16", description = "Effective batch (examples per optimizer step).") int batch;
    @Option(names = "--micro-batch", defaultValue = "4", description = "Examples per forward pass; accumulation = batch / micro.") int micro;
    @Option(names = "--max-length", defaultValue = "1024", description = "Tokens per example (prompts are fitted to it).") int maxLength;
    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
            description = "fp32; bf16 (bf16 weights and gradients, fp32 master weights and AdamW state, as DeepSpeed); "
                    + "bf16-autocast (fp32 weights, bf16 matmuls). Default: ${DEFAULT-VALUE}.") String precision;
    @Option(names = "--activation-checkpointing", description = "Recompute each decoder layer in the backward pass: "
            + "activation memory of one layer instead of all, for about a third more compute.") boolean activationCheckpointing;
    @Option(names = "--zero", defaultValue = "0", paramLabel = "STAGE", description = "With several ranks: 0 (plain data parallel), "
            + "1 (shard fp32 master weights and AdamW state) or 2 (also reduce-scatter gradients). Default: ${DEFAULT-VALUE}.") String zero;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Optimizer steps between checkpoints (0 = only at the end).") long checkpointEvery;
    @Option(names = "--lora", paramLabel = "r=8[,alpha=16,dropout=0.05,targets=q_proj+v_proj]",
            description = "Train a LoRA adapter instead of all weights.") String lora;

    TrainConfig config() {
        if (batch % micro != 0) throw new IllegalArgumentException("--batch-size " + batch + " must be a multiple of --micro-batch " + micro);
        return TrainConfig.builder().epochs(epochs).learningRate(lr).schedule(LrSchedule.parse(schedule)).warmupSteps(warmup)
                .weightDecay(weightDecay).microBatchSize(micro).gradientAccumulation(batch / micro).maxLength(maxLength)
                .precision(Precision.parse("--precision", precision)).seed(seed)
                .checkpointEvery(checkpointEvery).lora(lora == null ? null : parseLora(lora))
                .activationCheckpointing(activationCheckpointing).sharding(Sharding.parse("--zero", zero)).build();
    }

    /** {@code r=8,alpha=16,dropout=0.05,targets=q_proj+v_proj}; unset keys take PEFT's defaults. */
    static LoraConfig parseLora(String spec) {
        LoraConfig d = LoraConfig.defaults();
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] p = part.split("=", 2);
            if (p.length != 2) throw new IllegalArgumentException("--lora: \"" + part + "\" is not key=value; keys: r, alpha, dropout, targets");
            kv.put(p[0].trim(), p[1].trim());
        }
        List<String> unknown = new ArrayList<>(kv.keySet());
        unknown.removeAll(List.of("r", "alpha", "dropout", "targets"));
        if (!unknown.isEmpty()) throw new IllegalArgumentException("--lora: unknown keys " + unknown + "; known: [r, alpha, dropout, targets]");
        int r = kv.containsKey("r") ? Integer.parseInt(kv.get("r")) : d.r();
        return new LoraConfig(r, kv.containsKey("alpha") ? Double.parseDouble(kv.get("alpha")) : r * d.alpha() / d.r(),
                kv.containsKey("dropout") ? Double.parseDouble(kv.get("dropout")) : d.dropout(),
                kv.containsKey("targets") ? List.of(kv.get("targets").split("\\+")) : d.targetModules());
    }
}
