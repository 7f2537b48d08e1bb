package org.crossgen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crossgen.data.Dataset;
import org.crossgen.dist.Collectives;
import org.crossgen.dist.LocalLauncher;
import org.crossgen.dist.RankLauncher;
import org.crossgen.dist.RankEnvironment;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.progress.ProgressBar;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.prompt.Sampler;
import org.crossgen.study.Method;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.OpenBlasCore;
import org.crossgen.tensor.Provenance;
import org.crossgen.train.DeviceMemory;
import org.crossgen.train.FineTuning;
import org.crossgen.train.MemoryCheck;
import org.crossgen.train.MemoryPlan;
import org.crossgen.train.Precision;
import org.crossgen.train.TrainConfig;
import org.crossgen.train.TrainingListener;
import org.crossgen.train.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tune a model on one training set, plainly (ft) or with k demonstrations in every prompt (fticl).",
                "The output folder is a Hugging Face checkpoint (or a PEFT adapter with --lora) plus run_card.json,",
                "metrics.jsonl, loss.png and checkpoints/ (for --resume). --nproc N trains on N data-parallel ranks;",
                "under torchrun or srun the ranks come from RANK/WORLD_SIZE or SLURM_PROCID/SLURM_NTASKS (docs/gpu.md).",
                "--dry-run prints the memory plan from config.json alone. --dtype float32|bfloat16 is a study spec's spelling of",
                "--precision fp32|bf16 (docs/cli.md)."})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;
    @Spec CommandSpec spec;
    @Mixin ModelOptions modelOptions;
    @Mixin TrainOptions trainOptions;
    @Mixin RegistryOptions registryOptions;

    @Option(names = "--dataset", paramLabel = "TASK/NAME", description = "Training dataset, e.g. sentiment/amazon.") String dataset;
    @Option(names = "--size", defaultValue = "2000", description = "Training file size: 2000, 4000 or 6000 where it exists.") int size;
    @Option(names = "--method", defaultValue = "ft", description = "ft or fticl (default: ${DEFAULT-VALUE}).") Method method;
    @Option(names = "--shots", defaultValue = "0", description = "FTICL demonstrations per training prompt.") int shots;
    @Option(names = "--template", defaultValue = "0") int template;
    @Option(names = "--sampler", defaultValue = "paper", description = "FTICL's demonstrations: paper (the first k of the pool; "
            + "also spelled first) or random (default: ${DEFAULT-VALUE}).") Sampler sampler;
    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N records only (0 = all).") int limit;
    @Option(names = "--merge", description = "With --lora: also write the merged full model to OUT/merged.") boolean merge;
    @Option(names = "--resume", description = "Continue from the newest checkpoint in --out (on any number of ranks).") boolean resume;
    @Option(names = "--out", paramLabel = "DIR") Path out;
    @Option(names = "--nproc", defaultValue = "1", paramLabel = "N",
            description = "Start N data-parallel ranks on this machine (one per GPU with --device cuda), like torchrun. Default: ${DEFAULT-VALUE}.")
    int nproc;
    @Option(names = "--dist-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "A rank waiting longer than this for the others (rendezvous, a collective) fails. Default: ${DEFAULT-VALUE}.")
    long distTimeout;
    @Option(names = "--gpu-memory", paramLabel = "SIZE", description = "Memory per rank the plan must fit, e.g. 80GB or 40GiB "
            + "(GB = GiB, as GPU makers count); default: the device's.") String gpuMemory;
    @Option(names = "--prompt-compat", defaultValue = "crossgen", paramLabel = "RULES",
            description = "crossgen (default: demonstrations dropped, then input cut; the target is never cut) or paper "
                    + "(the paper's right-truncation of prompt + target at --max-length; docs/prompts.md).")
    String promptCompat;
    @Option(names = "--dry-run", description = "Print the memory plan per rank and exit; reads only config.json.") boolean dryRun;
    @Option(names = "--json", description = "Print the final summary (with --dry-run: the plan) as JSON.") boolean json;
    @Option(names = "--measure", description = "With --dry-run: also train 2 steps of a random model of the config on random tokens "
            + "on --device and report the measured peak beside the plan.") boolean measure;
    @Option(names = "--layers", paramLabel = "N", description = "With --dry-run: plan (and measure) the config with N decoder layers, "
            + "e.g. a 7B shape that fits a small GPU.") Integer layers;

    @Override
    public Integer call() throws Exception {
        RankEnvironment env = RankEnvironment.current();
        int world = env.distributed() ? env.worldSize() : nproc;
        long memoryLimit = gpuMemory == null ? 0 : parseBytes("--gpu-memory", gpuMemory);
        if (dryRun) return printPlan(trainOptions.config(precisionFromDType(), 0), world, memoryLimit);
        if (dataset == null) throw new IllegalArgumentException("--dataset TASK/NAME is required");
        if (out == null) throw new IllegalArgumentException("--out DIR is required");
        if (method == Method.BASE) throw new IllegalArgumentException("--method base: train fine-tunes; use --method ft or fticl");
        if (method == Method.FT && shots != 0) throw new IllegalArgumentException("--method ft trains without demonstrations; use --method fticl --shots " + shots);
        if (method == Method.FTICL && shots == 0) throw new IllegalArgumentException("--method fticl needs --shots K > 0");
        Dataset ds = registryOptions.registry().dataset(dataset);
        if (!ds.train().containsKey(size)) throw new IllegalArgumentException(dataset + " has no training file of size " + size + "; sizes: " + ds.train().keySet());
        int records = ds.trainExamples(size).size();
        TrainConfig config = trainOptions.config(precisionFromDType(), limit > 0 ? Math.min(limit, records) : records);
        if (merge && config.lora() == null) throw new IllegalArgumentException("--merge needs --lora");
        if (nproc > 1 && !env.distributed()) return launchRanks();

        ComputeDevice device = FineTuning.rankDevice(ComputeDevice.parse(modelOptions.device), env);
        Path base = modelOptions.modelDir();
        var job = new FineTuning.Job(base, modelOptions.modelName(), ds, size, template, shots, sampler, config.seed(), limit, config,
                PromptCompat.parse(promptCompat));
        try (Collectives group = Collectives.connect(env, device, Duration.ofSeconds(distTimeout));
             ProgressBar bar = ProgressBar.forConsole("train " + dataset, 0, false)) {
            TrainingListener progress = group.isMain() ? new TrainingProgress(bar) : TrainingListener.NONE;
            FineTuning.Outcome o = new FineTuning(device, group, progress, memoryLimit).run(job, out, out, resume,
                    merge ? FineTuning.LoraOutput.ADAPTER_AND_MERGED : FineTuning.LoraOutput.ADAPTER);
            if (group.isMain()) {
                if (o.truncated() > 0) root.err().println(o.truncated() + " of " + o.examples() + " prompts were truncated to " + config.maxLength() + " tokens");
                var r = o.result();
                if (json) {
                    root.out().println(summaryJson(o, config, device, group.worldSize()).toPrettyString());
                } else {
                    root.out().printf("trained %d steps%s, final loss %.4f, %.0f tokens/s, %.1f s -> %s%n", r.steps(),
                            group.worldSize() > 1 ? " on " + group.worldSize() + " ranks" : "", r.finalLoss(), r.tokensPerS(), r.wallS(), out);
                }
                String blasNote = device.isCuda() ? null : OpenBlasCore.note();   // beside the speed it is about
                if (blasNote != null) root.err().println("crossgen: note: " + blasNote);
            }
        }
        return 0;
    }

    /**
     * {@code --dtype float32|bfloat16} is the study spec's spelling of {@code --precision fp32|bf16}
     * (the dtype the weights train in); null when not given. Both at once is ambiguous, so refused.
     */
    private Precision precisionFromDType() {
        ParseResult parsed = spec.commandLine().getParseResult();
        if (!parsed.hasMatchedOption("--dtype")) return null;
        if (parsed.hasMatchedOption("--precision")) throw new IllegalArgumentException("give --precision or --dtype, not both");
        return Precision.forDType("--dtype", modelOptions.dtype);
    }

    /** {@code --json}: the final summary, as {@code run_card.json} names its fields. */
    private ObjectNode summaryJson(FineTuning.Outcome o, TrainConfig config, ComputeDevice device, int ranks) {
        var r = o.result();
        ObjectNode j = new ObjectMapper().createObjectNode();
        j.put("output", out.toString());
        j.put("dataset", dataset);
        j.put("method", method.id());
        j.put("examples", o.examples());
        j.put("truncated", o.truncated());
        j.put("steps", r.steps());
        j.put("final_loss", r.finalLoss());
        j.put("tokens_per_s", r.tokensPerS());
        j.put("wall_s", r.wallS());
        j.put("world_size", ranks);
        j.putPOJO(Provenance.FIELD, Provenance.of(device.name(), config.precision().spelling()).toMap());
        return j;
    }

    /** The base model's tokenizer, chat-template and generation files into a saved model folder. */
    static void copyTokenizer(Path from, Path to) throws java.io.IOException {
        FineTuning.copyBaseFiles(from, to);
    }

    /** {@code --nproc N}: this process becomes the launcher of N ranks, each running this same command line. */
    private int launchRanks() throws Exception {
        List<String> args = root.spec.commandLine().getParseResult().originalArgs();
        RankLauncher.Outcome o = new LocalLauncher(nproc, root.out(), root.err()).run(CrossgenCommand.class.getName(), args, Map.of());
        if (o.exitCode() != 0) throw new IllegalStateException("training on " + nproc + " ranks failed: " + o.message());
        return 0;
    }

    private int printPlan(TrainConfig config, int world, long limit) throws Exception {
        Path dir = modelOptions.modelDir();
        LlamaConfig model = LlamaConfig.read(dir);
        if (layers != null) model = MemoryCheck.withLayers(model, layers);
        MemoryPlan plan = MemoryPlan.of(model, config, world);
        ComputeDevice device = ComputeDevice.parse(modelOptions.device);
        if (measure && world > 1) throw new IllegalArgumentException("--measure runs one rank; drop --nproc (ZeRO slices can be planned, not measured here)");
        MemoryCheck.Result measured = measure ? MemoryCheck.run(model, config, device, 2) : null;
        String source = limit > 0 ? "--gpu-memory" : device + "'s memory";
        long against = limit > 0 ? limit : DeviceMemory.totalBytes(device);
        if (json) {
            var j = plan.toJson(source, against);
            j.put("model", dir.toString());
            j.put("precision", config.precision().spelling());
            j.put("zero_stage", config.sharding().stage);
            j.put("activation_checkpointing", config.activationCheckpointing());
            j.put("micro_batch", config.microBatchSize());
            j.put("max_length", config.maxLength());
            j.put("layers", model.numLayers());
            if (plan.peak() > against) {
                var fixes = j.putArray("fixes");
                MemoryPlan.fixes(model, config, world, against).forEach(fixes::add);
            }
            if (measured != null) {
                j.put("measured_device", device.toString());
                j.put("measured_peak_bytes", measured.measured());
                j.put("planned_bytes_without_runtime", measured.planned());
            }
            root.out().println(j.toPrettyString());
            return 0;
        }
        root.out().printf("memory plan per rank: %s%s (%,d parameters, %,d trainable), %s, %d rank(s)%s, activation checkpointing %s, "
                        + "micro-batch %d x %d tokens%n", dir, layers != null ? " with " + layers + " layers" : "", plan.parameters(),
                plan.trainable(), config.precision().spelling(), world,
                world > 1 ? ", ZeRO " + config.sharding().stage : "", config.activationCheckpointing() ? "on" : "off",
                config.microBatchSize(), config.maxLength());
        root.out().print(plan.table(source, against));
        root.out().flush();
        if (plan.peak() > against) {
            List<String> fixes = MemoryPlan.fixes(model, config, world, against);
            root.out().println(fixes.isEmpty() ? "nothing tried makes it fit" : "options that would make it fit: " + String.join("; or ", fixes));
        }
        if (measured != null) {
            root.out().printf(java.util.Locale.ROOT, "measured on %s (random weights and tokens, 2 steps): peak %.2f GiB above the baseline; "
                    + "plan without the runtime allowance %.2f GiB (measured/plan %.2f)%n", device, measured.measured() / (double) (1L << 30),
                    measured.planned() / (double) (1L << 30), measured.measured() / (double) measured.planned());
        }
        return 0;
    }

    /** {@code 80GB}, {@code 40GiB}, {@code 81920MiB}, {@code 80G}, {@code 80} (GiB): bytes. GB and MB count in powers of two, as GPU makers do. */
    static long parseBytes(String option, String text) {
        var m = java.util.regex.Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(gib|gb|g|mib|mb|m|tib|tb|t)?\\s*").matcher(text);
        if (!m.matches()) throw new IllegalArgumentException(option + " " + text + ": expected a size like 80GB, 40GiB or 81920MiB");
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "g" : m.group(2).toLowerCase(java.util.Locale.ROOT).substring(0, 1);
        int shift = switch (unit) {
            case "t" -> 40;
            case "m" -> 20;
            default -> 30;
        };
        return (long) (v * (1L << shift));
    }
}
