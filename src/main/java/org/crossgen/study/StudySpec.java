package org.crossgen.study;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Task;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.ScoringMode;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.DType;
import org.crossgen.train.LrSchedule;
import org.crossgen.train.Sharding;

/**
 * A study: which base models are fine-tuned on which training sets and how, and on which test
 * sets, templates and shot counts every model (base and fine-tuned) is evaluated. Read from flat,
 * commented YAML ({@link #read}); {@code examples/study/mini.yaml} documents every key.
 *
 * <p>A spec that {@link #read} returns is valid: every dataset, size, shot count, template and
 * model folder has been checked against the registry and the file system, so no GPU time is spent
 * before a typo is found.
 *
 * @param file          the YAML file it was read from (messages name it)
 * @param models        base models as written in the spec: folder paths, Hub ids or {@code default}; an entry
 *                      with an adapter is named {@code model+adapter}
 * @param modelDirs     each of {@code models} resolved to its folder
 * @param adapters      the PEFT adapter of each model entry that has one
 * @param trainDatasets training dataset ids, e.g. {@code sentiment/amazon}
 * @param methods       the methods of the grid, in spec order
 * @param ficlShots     FTICL's k per training task: demonstrations prepended to every training prompt (empty without fticl)
 * @param trainSizes    nominal training sizes (2000, 4000, 6000 in the paper)
 * @param seeds         training seeds
 * @param evalSets      evaluated test set ids (expanded from {@code all})
 * @param evalShots     demonstrations per evaluation prompt, per task of the evaluated sets (the paper's differ by task)
 * @param templates     prompt template ids evaluated
 * @param scoring       classification scoring mode
 * @param sampler       demonstration sampler of evaluation prompts
 * @param evalSeed      seed of the random sampler and of the bootstrap intervals
 * @param maxNewTokens  generation budget in tokens
 * @param stemmer       Porter-stem ROUGE tokens
 * @param dtype         compute dtype
 * @param lora          LoRA settings, or null for full fine-tuning
 * @param training      optimisation settings
 * @param limits        size limits (for quick studies)
 * @param promptCompat  crossgen's prompt rules, or the paper's exact BOS handling and training truncation
 */
public record StudySpec(Path file, List<String> models, Map<String, Path> modelDirs, Map<String, Adapter> adapters, List<String> trainDatasets,
                        List<Method> methods, Map<String, List<Integer>> ficlShots, List<Integer> trainSizes, List<Long> seeds,
                        List<String> evalSets, Map<String, List<Integer>> evalShots, List<Integer> templates, ScoringMode scoring,
                        Sampler sampler, long evalSeed, int maxNewTokens, boolean stemmer, DType dtype, Lora lora,
                        Training training, Limits limits, PromptCompat promptCompat) {
    /**
     * A PEFT LoRA adapter applied to a base model of the spec ({@code models: [{model: M, adapter: DIR}]}).
     *
     * @param dir   the adapter folder (adapter_config.json, adapter_model.safetensors)
     * @param merge fold it into the weights before evaluating instead of attaching it (the same results)
     */
    public record Adapter(Path dir, boolean merge) {}

    public StudySpec {
        models = List.copyOf(models);
        modelDirs = Map.copyOf(modelDirs);
        adapters = Map.copyOf(adapters);
        trainDatasets = List.copyOf(trainDatasets);
        methods = List.copyOf(methods);
        ficlShots = ShotGrid.copyOf(ficlShots);
        trainSizes = List.copyOf(trainSizes);
        seeds = List.copyOf(seeds);
        evalSets = List.copyOf(evalSets);
        evalShots = ShotGrid.copyOf(evalShots);
        templates = List.copyOf(templates);
    }

    /**
     * Low-rank adaptation of the named projections: {@code W + (alpha / r) B A}, A and B of rank r.
     *
     * @param r       rank (>= 1)
     * @param alpha   scale numerator (> 0)
     * @param dropout dropout on the adapter input, in [0, 1)
     * @param targets projection names, e.g. {@code [q_proj, v_proj]}
     */
    public record Lora(int r, double alpha, double dropout, List<String> targets) {
        /** The Llama projections LoRA can target. */
        public static final List<String> TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

        public Lora {
            targets = List.copyOf(targets);
        }
    }

    /**
     * Optimisation settings; defaults are the paper's (2 epochs, AdamW lr 2e-5, effective batch 16,
     * linear decay, no weight decay, 1024 tokens).
     *
     * @param epochs        passes over the training set
     * @param lr            peak learning rate
     * @param batchSize     effective batch size (records per optimizer step, accumulation included)
     * @param schedule      learning-rate schedule
     * @param warmupRatio   fraction of steps spent warming up, in [0, 1)
     * @param weightDecay   AdamW weight decay
     * @param maxLength     training sequence budget in tokens (prompt + target)
     * @param template      prompt template the training prompts are built with
     * @param ranks         data-parallel ranks of each job ({@code gpus_per_job}): one GPU each on CUDA,
     *                      one process each on the CPU; the effective batch stays {@code batchSize}
     * @param zero          what the ranks shard (ZeRO stage; only with several ranks)
     * @param activationCheckpointing recompute each decoder layer in the backward pass
     */
    public record Training(int epochs, double lr, int batchSize, LrSchedule schedule, double warmupRatio,
                           double weightDecay, int maxLength, int template, int ranks, Sharding zero,
                           boolean activationCheckpointing) {
        public Training {
            if (ranks < 1) throw new IllegalArgumentException("training.gpus_per_job must be >= 1, got " + ranks);
        }

        /** One rank per job, no sharding, no checkpointing. */
        public Training(int epochs, double lr, int batchSize, LrSchedule schedule, double warmupRatio, double weightDecay,
                        int maxLength, int template) {
            this(epochs, lr, batchSize, schedule, warmupRatio, weightDecay, maxLength, template, 1, Sharding.NONE, false);
        }

        /** The paper's settings, on one rank. */
        public static Training paper() {
            return new Training(2, 2e-5, 16, LrSchedule.LINEAR, 0, 0, 1024, 0);
        }
    }

    /**
     * Size limits, for quick studies.
     *
     * @param evalRecords               evaluate the first n records of each generation test set (0 = all)
     * @param classificationEvalRecords evaluate the first n records of each classification test set (0 = all):
     *                                  scoring a label is one forward pass where generating is up to
     *                                  max_new_tokens of them, and a right/wrong record carries less
     *                                  information than a ROUGE score, so classification can afford more
     * @param trainRecords              train on the first n records of the training file (0 = all)
     * @param maxLength                 evaluation token budget (prompt + generation); longer prompts are truncated. In a spec,
     *                                  a number or {@code model} (the models' {@code max_position_embeddings}); 1024 when left out
     */
    public record Limits(int evalRecords, int classificationEvalRecords, int trainRecords, int maxLength) {
        /** The same record limit for every test set. */
        public Limits(int evalRecords, int trainRecords, int maxLength) {
            this(evalRecords, evalRecords, trainRecords, maxLength);
        }

        public static Limits none() {
            return new Limits(0, 0, 1024);
        }

        /** The record limit of a test set of a task of this kind (0 = all). */
        public int evalRecords(Task task) {
            return task.isClassification() ? classificationEvalRecords : evalRecords;
        }
    }

    /** Reads and validates {@code file} against the paper's datasets; {@code default} is not resolvable. */
    public static StudySpec read(Path file) {
        return read(file, TaskRegistry.paper(), ModelLocator.NONE);
    }

    /**
     * Reads {@code file} and validates it against {@code registry} and the file system. Relative
     * model folders are resolved against the spec's own folder; other names go to {@code locator}.
     *
     * @throws StudySpecException listing every problem found
     */
    public static StudySpec read(Path file, TaskRegistry registry, ModelLocator locator) {
        return new SpecReader(file, registry, locator, false).read();
    }

    /**
     * As {@link #read(Path, TaskRegistry, ModelLocator)}, for a plan made before the models are
     * on this machine: a model folder that does not exist is left out of {@link #modelDirs}
     * instead of being an error ({@link StudyPlan#absentModels()} lists it).
     */
    public static StudySpec readForPlan(Path file, TaskRegistry registry, ModelLocator locator) {
        return new SpecReader(file, registry, locator, true).read();
    }
}
