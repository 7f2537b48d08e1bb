package org.crossgen.train;

import org.crossgen.model.llama.LoraConfig;

/**
 * Everything that decides a fine-tuning run's result. Defaults ({@link #builder()}) are the
 * paper's recipe: 2 epochs, lr 2e-5, linear decay without warmup, no weight decay, effective batch
 * 16 (4 examples x 4 accumulation steps), max length 1024; plus transformers' Trainer defaults for
 * what the paper does not state (AdamW betas 0.9/0.999, eps 1e-8, gradient clipping at norm 1.0).
 *
 * @param epochs               passes over the data, >= 1
 * @param learningRate         peak learning rate, > 0
 * @param schedule             decay after warmup
 * @param warmupSteps          optimizer steps of linear warmup from 0, >= 0
 * @param weightDecay          AdamW's decoupled decay on matrices (never on norms, biases or 1-D tensors)
 * @param microBatchSize       examples per forward/backward, >= 1
 * @param gradientAccumulation micro-batches per optimizer step, >= 1
 * @param maxLength            longest allowed {@code prompt + target + EOS} in tokens; longer examples are refused
 * @param maxGradNorm          clip the global gradient L2 norm to this; {@code <= 0} disables clipping
 * @param beta1                AdamW beta1
 * @param beta2                AdamW beta2
 * @param eps                  AdamW epsilon
 * @param precision            weight storage and forward compute type (see {@link Precision})
 * @param seed                 decides data order, LoRA init and dropout
 * @param checkpointEvery      write a checkpoint every this many optimizer steps (0: only at the end)
 * @param keepCheckpoints      how many step checkpoints to keep (oldest deleted first), >= 1
 * @param eosTokenId           appended to every target; -1 takes the model config's first eos_token_id
 * @param padTokenId           fills right padding (never attended to by real tokens, never in the loss)
 * @param lora                 null for full fine-tuning, else the adapter to train
 * @param activationCheckpointing recompute each decoder layer in the backward pass instead of keeping
 *                             its activations (memory, not results: gradients equal to float rounding)
 * @param sharding             ZeRO stage across data-parallel ranks (memory and traffic, not results)
 */
public record TrainConfig(
        int epochs, double learningRate, LrSchedule schedule, long warmupSteps, double weightDecay,
        int microBatchSize, int gradientAccumulation, int maxLength, double maxGradNorm,
        double beta1, double beta2, double eps, Precision precision, long seed,
        long checkpointEvery, int keepCheckpoints, long eosTokenId, long padTokenId, LoraConfig lora,
        boolean activationCheckpointing, Sharding sharding) {

    public TrainConfig {
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning_rate must be > 0, got " + learningRate);
        require(schedule != null, "schedule must be set");
        require(warmupSteps >= 0, "warmup_steps must be >= 0, got " + warmupSteps);
        require(weightDecay >= 0, "weight_decay must be >= 0, got " + weightDecay);
        require(microBatchSize >= 1, "micro_batch_size must be >= 1, got " + microBatchSize);
        require(gradientAccumulation >= 1, "gradient_accumulation must be >= 1, got " + gradientAccumulation);
        require(maxLength >= 2, "max_length must be >= 2, got " + maxLength);
        require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
        require(eps > 0, "eps must be > 0, got " + eps);
        require(precision != null, "precision must be set");
        require(checkpointEvery >= 0, "checkpoint_every must be >= 0, got " + checkpointEvery);
        require(keepCheckpoints >= 1, "keep_checkpoints must be >= 1, got " + keepCheckpoints);
        require(padTokenId >= 0, "pad_token_id must be >= 0, got " + padTokenId);
        require(sharding != null, "sharding must be set");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** Examples per optimizer step. */
    public int effectiveBatchSize() {
        return microBatchSize * gradientAccumulation;
    }

    /**
     * A warmup given as a fraction of the run (a spec's {@code warmup_ratio}, train's
     * {@code --warmup-ratio}) in optimizer steps: {@code round(ratio * ceil(examples / batchSize) * epochs)}.
     */
    public static long warmupSteps(double ratio, long examples, int batchSize, int epochs) {
        long steps = (long) Math.ceil(examples / (double) batchSize) * epochs;
        return Math.round(ratio * steps);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs; b.learningRate = learningRate; b.schedule = schedule; b.warmupSteps = warmupSteps;
        b.weightDecay = weightDecay; b.microBatchSize = microBatchSize; b.gradientAccumulation = gradientAccumulation;
        b.maxLength = maxLength; b.maxGradNorm = maxGradNorm; b.beta1 = beta1; b.beta2 = beta2; b.eps = eps;
        b.precision = precision; b.seed = seed; b.checkpointEvery = checkpointEvery; b.keepCheckpoints = keepCheckpoints;
        b.eosTokenId = eosTokenId; b.padTokenId = padTokenId; b.lora = lora;
        b.activationCheckpointing = activationCheckpointing; b.sharding = sharding;
        return b;
    }

    /** Starts from the paper's recipe; each setter overrides one field. */
    public static final class Builder {
        private int epochs = 2;
        private double learningRate = 2e-5;
        private LrSchedule schedule = LrSchedule.LINEAR;
        private long warmupSteps = 0;
        private double weightDecay = 0.0;
        private int microBatchSize = 4;
        private int gradientAccumulation = 4;
        private int maxLength = 1024;
        private double maxGradNorm = 1.0;
        private double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        private Precision precision = Precision.FP32;
        private long seed = 42;
        private long checkpointEvery = 0;
        private int keepCheckpoints = 2;
        private long eosTokenId = -1;
        private long padTokenId = 0;
        private LoraConfig lora;
        private boolean activationCheckpointing = false;
        private Sharding sharding = Sharding.NONE;

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder schedule(LrSchedule v) { schedule = v; return this; }
        public Builder warmupSteps(long v) { warmupSteps = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder microBatchSize(int v) { microBatchSize = v; return this; }
        public Builder gradientAccumulation(int v) { gradientAccumulation = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Builder eps(double v) { eps = v; return this; }
        public Builder precision(Precision v) { precision = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder checkpointEvery(long v) { checkpointEvery = v; return this; }
        public Builder keepCheckpoints(int v) { keepCheckpoints = v; return this; }
        public Builder eosTokenId(long v) { eosTokenId = v; return this; }
        public Builder padTokenId(long v) { padTokenId = v; return this; }
        /** null: full fine-tuning. */
        public Builder lora(LoraConfig v) { lora = v; return this; }
        public Builder activationCheckpointing(boolean v) { activationCheckpointing = v; return this; }
        public Builder sharding(Sharding v) { sharding = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(epochs, learningRate, schedule, warmupSteps, weightDecay, microBatchSize,
                    gradientAccumulation, maxLength, maxGradNorm, beta1, beta2, eps, precision, seed,
                    checkpointEvery, keepCheckpoints, eosTokenId, padTokenId, lora, activationCheckpointing, sharding);
        }
    }
}
