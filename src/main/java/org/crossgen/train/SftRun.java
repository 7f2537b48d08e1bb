package org.crossgen.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.crossgen.dist.Collectives;
import org.crossgen.files.AtomicFiles;
import org.crossgen.model.CheckpointFiles;
import org.crossgen.model.llama.CheckpointedForward;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraAdapter;
import org.crossgen.tensor.Autocast;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Provenance;
import org.crossgen.tensor.SafetensorsReader;
import org.crossgen.tensor.SafetensorsWriter;
import org.crossgen.tensor.Tensors;
import org.crossgen.tensor.Torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised fine-tuning run (FT or FTICL; the difference is in the prompts), full or LoRA,
 * on one rank or as one of N data-parallel ranks. Reads top to bottom: {@link #setUp()} (or
 * {@link #resume()}) builds the trainable parameters, the optimizer and the output files;
 * {@link #train()} is the loop.
 *
 * <pre>{@code
 * try (LlamaModel model = LlamaModel.load(dir, cfg.precision().weights, device);
 *      SftRun run = new SftRun(model, examples, cfg, out)) {
 *     run.setUp();                       // or run.resume() after a crash
 *     TrainResult r = run.train();       // r.output(): out/final
 * }
 * }</pre>
 *
 * <p><b>Loss.</b> Cross-entropy over the {@code target + EOS} tokens only, summed over every
 * micro-batch of an optimizer step and divided by the number of target tokens in the whole
 * effective batch (known before the first forward, on every rank). So gradient accumulation and
 * data parallelism give the same gradient as one big batch, and every target token weighs the same
 * however the examples are split; this is transformers' Trainer since 4.46
 * ({@code num_items_in_batch}), not the older mean-of-micro-batch-means.
 *
 * <p><b>Data order.</b> Epoch {@code e} visits the examples in a permutation drawn by
 * {@code java.util.Random} seeded from {@code (seed, e)}; optimizer step {@code s} of the epoch takes
 * permutation slice {@code [s*E, (s+1)*E)} (E = effective batch; the last step of an epoch may be
 * smaller), cut into micro-batches. With N ranks, rank r runs the r-th contiguous block of those
 * micro-batches. Before each micro-batch libtorch's generator is reseeded from
 * {@code (seed, step, micro-batch)}, so LoRA dropout masks depend on neither the rank nor the
 * world size. Both make resume exact without saving RNG state.
 *
 * <p><b>Threads.</b> On the CPU with several intra-op threads, each micro-batch is cut into one row
 * block per thread, run on threads of their own, and the blocks' gradients are added in block order
 * ({@link ThreadedBackward}), instead of spreading each op of one backward pass over the cores:
 * 1.5-2.6x the tokens/s of fine-tuning on 2 cores, and a run still repeats bit for bit. Not with
 * activation checkpointing or LoRA dropout.
 *
 * <p><b>Ranks.</b> Given {@link #collectives}, gradients are summed across ranks and the optimizer
 * may be sharded ({@link DistributedOptimizer}); rank 0 writes the weights, metrics and run card,
 * every rank its optimizer shard. Output folders must then be on a filesystem all ranks share.
 *
 * <p><b>Files</b> under the output folder: {@code checkpoints/step-N/} (see {@link Checkpoint}),
 * {@code metrics.jsonl}, {@code loss.png}, {@code run_card.json}, and {@code final/} (an HF
 * checkpoint, or a PEFT adapter for LoRA).
 */
public final class SftRun implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SftRun.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Config fields that change memory, speed or files but not the result; a resume may change them. */
    private static final List<String> FREE_FIELDS = List.of("checkpointEvery", "keepCheckpoints", "activationCheckpointing", "sharding");

    private final LlamaModel model;
    private final List<SftExample> examples;
    private final TrainConfig config;
    private final Path out;                // null: no files (benchmarking)
    private TrainingListener listener = TrainingListener.NONE;
    private String baseModelName = "";
    private Map<String, Object> fitting = Map.of();
    private Collectives group;

    // built by setUp()
    private long eosId;
    private LoraAdapter adapter;
    private FlatParameters flat;
    private DistributedOptimizer optimizer;
    private ThreadedBackward threaded;     // null: micro-batches run on the calling thread
    private MetricsLog metrics;
    private long stepsPerEpoch, totalSteps;
    private String dataHash;
    private long step;                     // optimizer steps done
    private long resumedFrom;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    /**
     * @param model    the model to train in place, its weights in {@code config.precision().weights}
     * @param examples the training set, in its canonical order (the run shuffles per epoch)
     * @param out      output folder (created)
     */
    public SftRun(LlamaModel model, List<SftExample> examples, TrainConfig config, Path out) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no training examples");
        if (model.dtype() != config.precision().weights) {
            throw new IllegalArgumentException("precision " + config.precision().spelling() + " trains " + config.precision().weights.torchName()
                    + " weights, but the model was loaded in " + model.dtype().torchName());
        }
        this.model = model;
        this.examples = List.copyOf(examples);
        this.config = config;
        this.out = out;
        this.group = Collectives.single(model.device());
    }

    /** Receives progress; the CLI renders it as a progress bar. */
    public SftRun listener(TrainingListener l) {
        this.listener = l == null ? TrainingListener.NONE : l;
        return this;
    }

    /** Recorded as PEFT's {@code base_model_name_or_path} and in the run card. */
    public SftRun baseModelName(String name) {
        this.baseModelName = name;
        return this;
    }

    /** What fitting the examples to the max length did ({@link TrainingData#fitting}), for the run card. */
    public SftRun fitting(Map<String, Object> counts) {
        this.fitting = Map.copyOf(counts);
        return this;
    }

    /** Trains as one rank of {@code group}'s job (the caller owns and closes the group). Call before setUp. */
    public SftRun collectives(Collectives group) {
        if (optimizer != null) throw new IllegalStateException("set the collectives before setUp() or resume()");
        this.group = group;
        return this;
    }

    /** Builds a fresh run; refuses an output folder that already holds checkpoints (use {@link #resume}). */
    public void setUp() throws IOException {
        if (out != null && !Checkpoint.list(out.resolve("checkpoints")).isEmpty()) {
            throw new IllegalStateException(out + " already holds checkpoints " + Checkpoint.list(out.resolve("checkpoints"))
                    + "; resume the run or choose an empty output folder");
        }
        build(0);
    }

    /**
     * Builds the run and continues from the newest complete checkpoint in the output folder, or
     * starts fresh when there is none. Data and config must match the checkpoint's; the world size
     * and the sharding may differ (the optimizer state is resharded).
     */
    public void resume() throws IOException {
        if (out == null) throw new IllegalStateException("a run without an output folder cannot resume");
        Optional<Path> latest = Checkpoint.latest(out.resolve("checkpoints"));
        long found = latest.map(Checkpoint::step).orElse(-1L);
        double[] seen = group.sum(found, found * found);   // every rank must see the same checkpoint
        if (seen[0] != found * group.worldSize() || seen[1] != (double) found * found * group.worldSize()) {
            throw new IllegalStateException("rank " + group.rank() + " sees newest checkpoint " + (found < 0 ? "none" : "step " + found)
                    + " in " + out.resolve("checkpoints") + ", other ranks see another: the output folder must be on a filesystem every rank shares");
        }
        if (latest.isEmpty()) {
            log.info("{}: no checkpoint to resume from; starting fresh", out);
            build(0);
            return;
        }
        Path dir = latest.get();
        ObjectNode state = Checkpoint.readState(dir);
        checkSameRun(dir, state);
        build(state.path("step").asLong());
        restore(dir, state);
        log.info("resumed from {} at step {} of {}", dir, step, totalSteps);
    }

    private void build(long startStep) throws IOException {
        Torch.init();
        eosId = config.eosTokenId() >= 0 ? config.eosTokenId() : model.config().eosTokenIds().isEmpty()
                ? failNoEos() : model.config().eosTokenIds().get(0);
        for (int i = 0; i < examples.size(); i++) {   // fail before any compute
            if (examples.get(i).length() > config.maxLength()) {
                SftBatch.collate(List.of(examples.get(i)), List.of(i), eosId, config.padTokenId(), config.maxLength());
            }
        }
        dataHash = SftExample.sha256(examples);
        stepsPerEpoch = (examples.size() + config.effectiveBatchSize() - 1) / config.effectiveBatchSize();
        totalSteps = stepsPerEpoch * config.epochs();

        model.train(true);
        Map<String, Tensor> trainable;
        if (config.lora() == null) {
            trainable = model.namedWeights();         // FlatParameters gives them owned memory
        } else {
            model.prepareForTraining(false);          // base frozen: requires_grad false, owned memory
            adapter = LoraAdapter.attach(model, config.lora(), config.seed());
            trainable = adapter.tensors();
        }
        flat = new FlatParameters(trainable, group.worldSize());
        model.sparseEmbeddingGradient(true);          // added into the flat gradient like any other
        group.broadcastFromMain(flat.weights);        // every rank starts from rank 0's weights
        optimizer = new DistributedOptimizer(flat, group, config.sharding(), config);
        // Concurrent blocks cannot share libtorch's one generator (LoRA dropout) or checkpointing's own backward.
        boolean random = config.lora() != null && config.lora().dropout() > 0;
        if (!random && !config.activationCheckpointing()) threaded = ThreadedBackward.open(List.copyOf(flat.tensors().values()), model.device());
        step = startStep;
        resumedFrom = startStep;
        if (out != null && group.isMain()) {
            Files.createDirectories(out);
            Checkpoint.prune(out.resolve("checkpoints"), Integer.MAX_VALUE);   // drop temp folders of a killed write
            metrics = MetricsLog.open(out.resolve("metrics.jsonl"), startStep);
        }
        long trainableCount = flat.numel;
        log.info("{} fine-tuning: {} trainable parameters of {}, {} examples, {} steps ({} per epoch), effective batch {}, {}{}{}{}",
                config.lora() == null ? "full" : "LoRA", trainableCount, model.parameterCount(), examples.size(), totalSteps,
                stepsPerEpoch, config.effectiveBatchSize(), config.precision().spelling(),
                group.worldSize() > 1 ? ", " + group.worldSize() + " ranks, ZeRO " + optimizer.sharding().stage : "",
                config.activationCheckpointing() ? ", activation checkpointing" : "",
                threaded != null ? ", backward on " + threaded.threads() + " threads" : "");
    }

    private static long failNoEos() {
        throw new IllegalArgumentException("the model's config.json has no eos_token_id; set TrainConfig.eosTokenId");
    }

    /** The loop: one optimizer step at a time, checkpoints every N steps and at the end. */
    public TrainResult train() throws IOException {
        if (optimizer == null) throw new IllegalStateException("call setUp() or resume() before train()");
        if (out == null) throw new IllegalStateException("train() needs an output folder");
        long t0 = System.nanoTime(), tokens = 0;
        double lastLoss = Double.NaN;
        listener.onStart(step, totalSteps);
        while (step < totalSteps) {
            StepMetrics m = trainStep(t0);
            tokens += m.tokens();
            lastLoss = m.loss();
            if (metrics != null) metrics.append(m);
            listener.onStep(m);
            if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 && step < totalSteps) saveCheckpoint();
        }
        saveCheckpoint();
        double wall = (System.nanoTime() - t0) / 1e9;
        Path fin = out.resolve("final");
        if (group.isMain()) {
            if (adapter != null) adapter.save(fin, baseModelName);
            else model.save(fin);
        }
        if (Double.isNaN(lastLoss) && metrics != null) lastLoss = lastLoggedLoss();
        TrainResult result = new TrainResult(step, lastLoss, wall > 0 ? tokens / wall : 0, wall, fin);
        if (group.isMain()) {
            LossCurve.write(out.resolve("loss.png"), MetricsLog.losses(metrics.file()),
                    (config.lora() == null ? "full" : "LoRA") + " fine-tuning, seed " + config.seed());
            writeRunCard(result);
        }
        group.barrier();   // rank 0's final files are complete before any rank reports success
        listener.onEnd(result);
        return result;
    }

    /** Whether micro-batches run as row blocks on threads of their own ({@link ThreadedBackward}); for tests. */
    boolean threadedBackward() {
        return threaded != null;
    }

    /** One optimizer step at the current position; advances it. Package-private for the bench and tests. */
    StepMetrics trainStep(long t0) {
        long s0 = System.nanoTime();
        int epoch = (int) (step / stepsPerEpoch);
        long inEpoch = step % stepsPerEpoch;
        int[] order = order(epoch);
        int eff = config.effectiveBatchSize();
        int from = (int) (inEpoch * eff), to = Math.min(order.length, from + eff);
        double lr = config.learningRate() * config.schedule().factor(step, totalSteps, config.warmupSteps());

        // Collate every micro-batch first: the loss divides by the target tokens of the whole step.
        // The step's examples go to micro-batches longest first: the step's gradient is the same sum
        // over the same examples, with less padding (multinli: ~30% fewer tokens computed).
        Integer[] stepIdx = new Integer[to - from];
        for (int i = from; i < to; i++) stepIdx[i - from] = order[i];
        Arrays.sort(stepIdx, Comparator.comparingInt((Integer i) -> -examples.get(i).length()));
        List<SftBatch> micro = new ArrayList<>();
        long targets = 0;
        for (int m = 0; m < stepIdx.length; m += config.microBatchSize()) {
            List<SftExample> ex = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            for (int i = m; i < Math.min(stepIdx.length, m + config.microBatchSize()); i++) {
                ex.add(examples.get(stepIdx[i]));
                idx.add(stepIdx[i]);
            }
            SftBatch b = SftBatch.collate(ex, idx, eosId, config.padTokenId(), config.maxLength());
            micro.add(b);
            targets += b.targetTokens();
        }
        // This rank's contiguous block of the step's micro-batches.
        int mine0 = (int) ((long) micro.size() * group.rank() / group.worldSize());
        int mine1 = (int) ((long) micro.size() * (group.rank() + 1) / group.worldSize());
        double lossSum = 0;
        long tokens = 0;
        for (int m = mine0; m < mine1; m++) {
            Torch.seed(mix(mix(config.seed(), step), m));
            lossSum += backward(micro.get(m), targets);
            tokens += micro.get(m).realTokens();
        }
        double[] total = group.sum(lossSum, tokens);
        double gradNorm = optimizer.step(lr);
        step++;
        double dt = (System.nanoTime() - s0) / 1e9;
        return new StepMetrics(step, totalSteps, (double) step / stepsPerEpoch, total[0] / targets, lr, gradNorm, (long) total[1],
                total[1] / dt, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Forward and backward of one micro-batch with its loss divided by {@code targets} (the whole
     * step's target tokens); gradients accumulate into the trainable tensors. Returns the summed loss.
     */
    private double backward(SftBatch b, long targets) {
        int parts = threaded == null ? 1 : threaded.blocksFor(b.batch());
        if (parts > 1) {
            List<Callable<Tensor>> blocks = new ArrayList<>();
            for (SftBatch block : b.blocks(parts)) blocks.add(() -> targetLossSum(block));
            return threaded.run(blocks, targets);
        }
        try (NativeScope scope = NativeScope.open()) {
            Batch in = Batch.of(b, model);
            if (!config.activationCheckpointing()) return backward(hidden(in), in, targets);
            try (CheckpointedForward f = new CheckpointedForward(model, config.precision().autocast)) {
                double sum = backward(f.hidden(in.ids, in.positions), in, targets);
                f.backward();   // recomputes each decoder layer, last first
                return sum;
            }
        }
    }

    /** The loss's backward from the final hidden states {@code h}; returns the summed loss. */
    private double backward(Tensor h, Batch in, long targets) {
        Tensor sum;
        try (NativeScope head = NativeScope.open()) {   // frees the (N, V) logits before the backward: autograd keeps only the log-probabilities
            sum = head.keep(lossFromHidden(h, in));
        }
        try {
            sum.div(new Scalar((double) targets)).backward();
            return sum.item_double();
        } finally {
            NativeScope.release(sum);
        }
    }

    /** A micro-batch's tensors on the model's device. */
    private record Batch(Tensor ids, Tensor positions, Tensor where, Tensor labels) {
        static Batch of(SftBatch b, LlamaModel model) {
            var dev = model.device().device();
            return new Batch(Tensor.create(b.ids(), b.batch(), b.length()).to(dev, ScalarType.Long),              // (B, T)
                    Tensors.positions(b.batch(), b.length()).to(dev, ScalarType.Long),                             // (B, T)
                    Tensor.create(b.targetPositions(), b.targetPositions().length).to(dev, ScalarType.Long),      // (N)
                    Tensor.create(b.targetIds(), b.targetIds().length).to(dev, ScalarType.Long));                 // (N)
        }
    }

    /**
     * Summed cross-entropy (nats, fp32 scalar) of {@code b}'s target tokens, with a plain forward.
     * Only target positions reach the output head: {@code (B*T, C) -> (N, C) -> (N, V)}, which saves
     * the prompt's logits.
     */
    Tensor targetLossSum(SftBatch b) {
        Batch in = Batch.of(b, model);
        return lossFromHidden(hidden(in), in);
    }

    private Tensor hidden(Batch in) {
        try (Autocast ac = Autocast.open(config.precision().autocast, model.device())) {
            return model.hidden(in.ids, in.positions, null, null);                                     // (B, T, C)
        }
    }

    private Tensor lossFromHidden(Tensor h, Batch in) {
        Tensor logits;
        try (Autocast ac = Autocast.open(config.precision().autocast, model.device())) {
            Tensor picked = h.reshape(-1, h.size(2)).index_select(0, in.where);                         // (N, C)
            logits = model.logits(picked);                                                               // (N, V)
        }
        return Tensors.crossEntropySum(logits, in.labels);
    }

    /** The epoch's permutation of example indices, from {@code java.util.Random(mix(seed, epoch))}. */
    int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) idx.add(i);
            Collections.shuffle(idx, new Random(mix(config.seed(), epoch)));
            cachedOrder = idx.stream().mapToInt(Integer::intValue).toArray();
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** A 64-bit mix (SplitMix64 finaliser) of the seed and a counter, so nearby seeds do not share streams. */
    static long mix(long seed, long n) {
        long z = seed + 0x9E3779B97F4A7C15L * (n + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- checkpoints ------------------------------------------------------------------------

    /**
     * Rank 0 opens the temp folder; each rank writes its part (rank 0: weights, trainer state and
     * an unsharded optimizer; with ZeRO every rank its optimizer shard); rank 0 renames the folder
     * once all are done. Barriers order the three phases.
     */
    private void saveCheckpoint() throws IOException {
        if (out == null) return;
        Path root = out.resolve("checkpoints");
        if (Files.exists(Checkpoint.folder(root, step).resolve(Checkpoint.STATE))) return;   // already saved at this step
        if (group.isMain()) Checkpoint.begin(root, step);
        group.barrier();
        Path tmp = Checkpoint.temp(root, step);
        if (optimizer.sharding().sharded()) {
            Map<String, Tensor> shard = new LinkedHashMap<>(optimizer.shardState());
            shard.values().removeIf(t -> t == null);
            SafetensorsWriter.write(tmp.resolve(OptimizerFiles.shardFile(group.rank(), group.worldSize())), shard);
        }
        if (group.isMain()) {
            if (adapter != null) adapter.save(tmp, baseModelName);
            else model.save(tmp);
            if (!optimizer.sharding().sharded()) SafetensorsWriter.write(tmp.resolve(OptimizerFiles.SINGLE), optimizer.namedState());
            AtomicFiles.writeString(tmp.resolve(Checkpoint.STATE), JSON.writeValueAsString(trainerState()) + "\n");
        }
        group.barrier();
        Path dir = Checkpoint.folder(root, step);
        if (group.isMain()) {
            Checkpoint.commit(root, step);
            Checkpoint.prune(root, config.keepCheckpoints());
        }
        group.barrier();
        listener.onCheckpoint(step, dir);
    }

    private ObjectNode trainerState() {
        ObjectNode s = JSON.createObjectNode();
        s.put("step", step);
        s.put("epoch", step / stepsPerEpoch);
        s.put("step_in_epoch", step % stepsPerEpoch);
        s.put("total_steps", totalSteps);
        s.put("adamw_step", optimizer.adam.stepCount());
        s.put("examples", examples.size());
        s.put("data_sha256", dataHash);
        s.put("seed", config.seed());
        s.put("world_size", group.worldSize());
        s.put("zero_stage", optimizer.sharding().stage);
        s.put("rng", "data order from Random(mix(seed, epoch)); libtorch generator reseeded with mix(mix(seed, step), micro-batch)");
        s.set("config", JSON.valueToTree(config));
        return s;
    }

    private void checkSameRun(Path dir, ObjectNode state) {
        String where = dir.resolve(Checkpoint.STATE).toString();
        String hash = SftExample.sha256(examples);
        if (!state.path("data_sha256").asText().equals(hash)) {
            throw new IllegalStateException(where + ": data_sha256 " + state.path("data_sha256").asText()
                    + " differs from this run's training data " + hash + "; resume needs the same tokenized examples");
        }
        ObjectNode saved = (ObjectNode) state.path("config").deepCopy();
        ObjectNode mine;
        try {   // through text, so numbers parse to the same node types as the saved file's
            mine = (ObjectNode) JSON.readTree(JSON.writeValueAsString(config));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (String free : FREE_FIELDS) {
            saved.remove(free);
            mine.remove(free);
        }
        List<String> differ = new ArrayList<>();
        for (Iterator<String> it = mine.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!mine.get(f).equals(saved.get(f))) differ.add(f + " " + saved.get(f) + " -> " + mine.get(f));
        }
        if (!differ.isEmpty()) throw new IllegalStateException(where + ": config differs from the checkpoint's: " + differ);
    }

    /** Copies the checkpoint's weights into the trainable tensors and its optimizer state (resharded if need be). */
    private void restore(Path dir, ObjectNode state) throws IOException {
        int savedWorld = state.path("world_size").asInt(1);
        if (savedWorld != group.worldSize()) {
            log.info("{}: written by {} rank(s), resumed on {}: optimizer state resharded", dir, savedWorld, group.worldSize());
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        try (NativeScope scope = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
            weights.putAll(adapter != null ? readAll(dir.resolve(LoraAdapter.WEIGHTS_FILE))
                    : CheckpointFiles.read(dir, CheckpointFiles.SINGLE, CheckpointFiles.INDEX));
            for (Map.Entry<String, Tensor> e : flat.tensors().entrySet()) {
                Tensor saved = weights.get(e.getKey());
                if (saved == null) throw new IOException(dir + ": checkpoint lacks weight " + e.getKey());
                e.getValue().copy_(saved);
            }
        } finally {
            weights.values().forEach(NativeScope::release);
        }
        try (OptimizerFiles files = OptimizerFiles.open(dir, flat)) {
            optimizer.load(files, state.path("adamw_step").asLong());
        }
    }

    private static Map<String, Tensor> readAll(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            for (String n : r.infos().keySet()) out.put(n, r.tensor(n));
        }
        return out;
    }

    // ---- run card ---------------------------------------------------------------------------

    private double lastLoggedLoss() throws IOException {
        List<double[]> l = MetricsLog.losses(metrics.file());
        return l.isEmpty() ? Double.NaN : l.get(l.size() - 1)[1];
    }

    private void writeRunCard(TrainResult r) throws IOException {
        ObjectNode card = JSON.createObjectNode();
        card.put("mode", config.lora() == null ? "full" : "lora");
        card.put("base_model", baseModelName);
        card.put("device", model.device().toString());
        card.put("world_size", group.worldSize());
        card.put("seed", config.seed());
        card.put("examples", examples.size());
        card.put("data_sha256", dataHash);
        if (!fitting.isEmpty()) card.set("fitting", JSON.valueToTree(new java.util.TreeMap<>(fitting)));
        card.put("total_steps", totalSteps);
        card.put("resumed_from_step", resumedFrom);
        card.put("final_loss", r.finalLoss());
        card.put("tokens_per_s", r.tokensPerS());
        card.put("wall_s", r.wallS());
        card.put("finished_at", Instant.now().toString());
        card.put("output", r.output().toString());
        card.set("config", JSON.valueToTree(config));
        card.set(Provenance.FIELD, JSON.valueToTree(Provenance.of(model.device().name(), config.precision().spelling())));
        AtomicFiles.writeString(out.resolve("run_card.json"), JSON.writeValueAsString(card) + "\n");
    }

    // ---- accessors --------------------------------------------------------------------------

    public long totalSteps() {
        return totalSteps;
    }

    public long step() {
        return step;
    }

    /** The LoRA adapter being trained, or null for full fine-tuning. */
    public LoraAdapter adapter() {
        return adapter;
    }

    public TrainConfig config() {
        return config;
    }

    /** The optimizer's float32 master weights of this rank (null when the fp32 weights are their own master); for tests. */
    Tensor masterWeights() {
        return optimizer.master();
    }

    /** The flat buffer the trainable weights live in; for tests. */
    Tensor flatWeights() {
        return flat.weights;
    }

    /**
     * Frees the optimizer state and gradients and closes the metrics file. The model, and a LoRA
     * adapter on it, stay usable: the caller closes (or merges) {@link #adapter()}.
     */
    @Override
    public void close() throws IOException {
        if (threaded != null) threaded.close();
        if (optimizer != null) optimizer.close();
        if (flat != null) flat.close();
        if (metrics != null) metrics.close();
        model.sparseEmbeddingGradient(false);
        model.train(false);
    }
}
