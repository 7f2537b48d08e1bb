package org.crossgen.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.dist.Collectives;
import org.crossgen.files.FileTrees;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.text.Tokenizer;

/**
 * One fine-tuning job from a base model folder to a published output folder: the steps
 * {@code crossgen train} and a study's training job share. {@link #run} checks the memory plan
 * (before any weight is read), loads the model in the precision's dtype, builds the tokenized
 * training set, trains with {@link SftRun} in a working folder (resuming from its newest
 * checkpoint if asked), merges a LoRA adapter if asked, and on rank 0 publishes the output
 * folder: the weights, the base model's tokenizer, chat-template and generation files, and the run's {@code metrics.jsonl},
 * {@code run_card.json} and {@code loss.png}.
 */
public final class FineTuning {
    /** Files of the base that a saved model needs as they are: tokenizer, chat template, generation defaults. */
    private static final List<String> BASE_FILES = List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "tokenizer.model", "chat_template.jinja", "generation_config.json");
    private static final List<String> RUN_FILES = List.of("metrics.jsonl", "run_card.json", "loss.png");

    /** What a LoRA job leaves in the output folder. */
    public enum LoraOutput {
        /** The PEFT adapter ({@code crossgen train --lora}). */
        ADAPTER,
        /** The adapter, and the merged model in {@code merged/} ({@code train --lora --merge}). */
        ADAPTER_AND_MERGED,
        /** The merged model, and the adapter in {@code adapter/} (a study: every model then loads the same way). */
        MERGED
    }

    /**
     * A job.
     *
     * @param baseModel     base model folder (config.json, safetensors, tokenizer.json)
     * @param baseModelName recorded in the run card and as PEFT's {@code base_model_name_or_path}
     * @param dataset       the training dataset; {@code size, template, shots, sampler, dataSeed, limit, promptCompat}
     *                      are {@link TrainingData#of}'s
     */
    public record Job(Path baseModel, String baseModelName, Dataset dataset, int size, int template, int shots, Sampler sampler,
                      long dataSeed, int limit, TrainConfig config, PromptCompat promptCompat) {
        /** With crossgen's fitting of training text. */
        public Job(Path baseModel, String baseModelName, Dataset dataset, int size, int template, int shots, Sampler sampler,
                   long dataSeed, int limit, TrainConfig config) {
            this(baseModel, baseModelName, dataset, size, template, shots, sampler, dataSeed, limit, config, PromptCompat.CROSSGEN);
        }
    }

    /**
     * @param result    the training result ({@code output}: the published folder)
     * @param examples  training examples
     * @param truncated prompts that lost demonstrations or input text to fit the max length
     */
    public record Outcome(TrainResult result, int examples, int truncated) {}

    private final ComputeDevice device;
    private final Collectives group;
    private final TrainingListener listener;
    private final long memoryLimit;

    /**
     * @param device      this rank's device
     * @param group       this rank's job ({@link Collectives#single} for one process); the caller closes it
     * @param memoryLimit bytes the plan must fit in; 0: the device's total memory
     */
    public FineTuning(ComputeDevice device, Collectives group, TrainingListener listener, long memoryLimit) {
        this.device = device;
        this.group = group;
        this.listener = listener;
        this.memoryLimit = memoryLimit;
    }

    /**
     * Trains {@code job} in {@code work} and publishes the result into {@code out} (which may be
     * {@code work} itself: the checkpoints then stay beside the result for a later resume).
     */
    public Outcome run(Job job, Path work, Path out, boolean resume, LoraOutput loraOutput) throws IOException {
        TrainConfig config = job.config();
        checkPlan(job.baseModel(), config);
        Path base = job.baseModel();
        if (!Files.exists(base.resolve("tokenizer.json"))) throw new IllegalArgumentException(base + " has no tokenizer.json; training needs text");
        try (Tokenizer tokenizer = Tokenizer.load(base);
             LlamaModel model = LlamaModel.load(base, config.precision().weights, device)) {
            TrainingData data = TrainingData.of(job.dataset(), job.size(), job.template(), job.shots(), job.sampler(), job.dataSeed(),
                    job.limit(), config.maxLength(), tokenizer, job.promptCompat());
            TrainResult result;
            SftRun run = new SftRun(model, data.examples(), config, work);
            try (run) {
                run.baseModelName(job.baseModelName()).fitting(data.fitting()).listener(listener).collectives(group);
                if (resume) run.resume();
                else run.setUp();
                result = run.train();
                if (group.isMain()) publish(run, model, result.output(), base, work, out, loraOutput);
            } finally {
                if (run.adapter() != null) run.adapter().close();
            }
            group.barrier();   // the output folder is complete before any rank returns
            return new Outcome(new TrainResult(result.steps(), result.finalLoss(), result.tokensPerS(), result.wallS(), out),
                    data.examples().size(), data.truncated());
        }
    }

    /** Stops before any weight is loaded when the memory plan does not fit; the message names the options that would. */
    private void checkPlan(Path base, TrainConfig config) throws IOException {
        LlamaConfig model = LlamaConfig.read(base);
        MemoryPlan plan = MemoryPlan.of(model, config, group.worldSize());
        long limit = memoryLimit > 0 ? memoryLimit : DeviceMemory.totalBytes(device);
        if (plan.peak() <= limit) return;
        List<String> fixes = MemoryPlan.fixes(model, config, group.worldSize(), limit);
        String source = memoryLimit > 0 ? "--gpu-memory" : device + "'s memory";
        throw new IllegalStateException("memory plan: " + MemoryPlan.gib(plan.peak()) + " per rank, more than the " + MemoryPlan.gib(limit)
                + " of " + source + "; stopped before loading " + base + ".\n" + plan.table(source, limit)
                + (fixes.isEmpty() ? "nothing tried makes it fit (checkpointing, bf16, ZeRO-2 up to 64 ranks, micro-batch 1)"
                : "options that would make it fit: " + String.join("; or ", fixes)));
    }

    private static void publish(SftRun run, LlamaModel model, Path fin, Path base, Path work, Path out, LoraOutput loraOutput) throws IOException {
        Files.createDirectories(out);
        if (run.adapter() == null) {
            FileTrees.moveContents(fin, out);
        } else if (loraOutput == LoraOutput.MERGED) {
            run.adapter().merge();
            model.save(out);
            FileTrees.moveContents(fin, out.resolve("adapter"));
        } else {
            if (loraOutput == LoraOutput.ADAPTER_AND_MERGED) {
                run.adapter().merge();
                model.save(out.resolve("merged"));
                copyBaseFiles(base, out.resolve("merged"));
            }
            FileTrees.moveContents(fin, out);
        }
        copyBaseFiles(base, out);
        if (!work.equals(out)) copy(work, out, RUN_FILES);
    }

    /**
     * The base's tokenizer files, {@code chat_template.jinja} and {@code generation_config.json},
     * where {@code from} has them, so the saved model generates and tokenizes as the base did.
     */
    public static void copyBaseFiles(Path from, Path to) throws IOException {
        copy(from, to, BASE_FILES);
    }

    private static void copy(Path from, Path to, List<String> names) throws IOException {
        for (String f : names) {
            if (Files.exists(from.resolve(f))) Files.copy(from.resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The device of a rank: {@code cuda:LOCAL_RANK} when several ranks share a machine's GPUs, else
     * {@code requested}. A rank that sees one GPU only ({@code CUDA_VISIBLE_DEVICES} of one entry, as
     * {@code srun --gpus-per-task=1} binds it) uses that one, {@code cuda:0}.
     */
    public static ComputeDevice rankDevice(ComputeDevice requested, org.crossgen.dist.RankEnvironment env) {
        String name = rankDeviceName(requested, env, System.getenv("CUDA_VISIBLE_DEVICES"));
        return name.equals(requested.name()) ? requested : ComputeDevice.parse(name);
    }

    /** {@link #rankDevice}'s choice, by name, for {@code CUDA_VISIBLE_DEVICES = visibleDevices} (null: unset). */
    static String rankDeviceName(ComputeDevice requested, org.crossgen.dist.RankEnvironment env, String visibleDevices) {
        if (!requested.isCuda() || !env.distributed()) return requested.name();
        boolean ownGpu = visibleDevices != null && !visibleDevices.isBlank() && !visibleDevices.contains(",");
        return "cuda:" + (ownGpu ? 0 : env.localRank());
    }
}
