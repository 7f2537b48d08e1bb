package org.crossgen.study;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.crossgen.data.Dataset;
import org.crossgen.data.DatasetFormatException;
import org.crossgen.data.Task;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.ScoringMode;
import org.crossgen.files.InputFiles;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.prompt.PromptCompat;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.DType;
import org.crossgen.train.LrSchedule;
import org.crossgen.train.Sharding;

/**
 * Reads a study spec and collects every problem in it before failing, each as
 * {@code <file>: <yaml path>: <what is wrong>}. Parsing and validation are one walk: a value that
 * cannot be parsed is reported and replaced by its default, so the checks that depend on it still
 * run.
 */
final class SpecReader {
    static final List<String> KEYS = List.of("models", "train_datasets", "methods", "fticl_shots", "train_sizes", "seeds",
            "eval_sets", "eval_shots", "templates", "scoring", "sampler", "eval_seed", "max_new_tokens", "stemmer", "dtype",
            "lora", "training", "limits", "prompt_compat");
    static final List<String> MODEL_KEYS = List.of("model", "adapter", "merge");
    static final List<String> LORA_KEYS = List.of("r", "alpha", "dropout", "targets");
    static final List<String> TRAINING_KEYS = List.of("epochs", "lr", "batch_size", "schedule", "warmup_ratio",
            "weight_decay", "max_length", "template", "gpus_per_job", "ranks_per_job", "zero", "activation_checkpointing");
    static final List<String> LIMITS_KEYS = List.of("eval_records", "classification_eval_records", "train_records", "max_length");
    /** {@code limits.max_length: model}: the models' own context ({@code max_position_embeddings}). */
    static final String MODEL_CONTEXT = "model";

    /** A key given twice is an error: YAML keeps the last value, so a trailing "methods: [base]" would drop all training. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final String name;
    private final TaskRegistry registry;
    private final ModelLocator locator;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> poolSizes = new HashMap<>();

    private final boolean modelsMayBeAbsent;

    /** @param modelsMayBeAbsent a model folder that does not exist is left out of {@code modelDirs} instead of an error (planning) */
    SpecReader(Path file, TaskRegistry registry, ModelLocator locator, boolean modelsMayBeAbsent) {
        this.file = file;
        this.name = file.toString();
        this.registry = registry;
        this.locator = locator;
        this.modelsMayBeAbsent = modelsMayBeAbsent;
    }

    StudySpec read() {
        JsonNode root = parse();
        knownKeys(root, "", KEYS);

        List<ModelEntry> entries = modelEntries(root.get("models"));
        if (entries.isEmpty() && root.has("models")) problem("models", "needs at least one model folder or \"default\"");
        List<String> models = entries.stream().map(ModelEntry::name).toList();
        Map<String, StudySpec.Adapter> adapters = new LinkedHashMap<>();
        Map<String, Path> modelDirs = resolveModels(entries, adapters);

        List<Method> methods = methods(root);
        if (methods.isEmpty() && root.hasNonNull("methods")) problem("methods", "needs at least one of " + java.util.Arrays.stream(Method.values()).map(Method::id).toList());
        boolean trains = methods.contains(Method.FT) || methods.contains(Method.FTICL);
        for (int i = 0; i < entries.size(); i++) {
            if (trains && entries.get(i).adapter() != null) {
                problem("models[" + i + "]", "a model with an adapter is evaluated only; fine-tuning starts from plain models "
                        + "(give it its own spec with methods: [base])");
            }
        }

        List<String> trainDatasets = strings(root, "train_datasets", List.of());
        if (trains && trainDatasets.isEmpty()) {
            problem("train_datasets", "missing; methods ft and fticl need at least one training dataset");
        }
        List<Dataset> trainSets = datasets(trainDatasets, "train_datasets");
        for (int i = 0; i < trainSets.size(); i++) {
            Dataset d = trainSets.get(i);
            if (d != null && d.train().isEmpty()) {
                problem("train_datasets[" + i + "]", d.id() + " has no training files; datasets with training files: "
                        + registry.datasets().stream().filter(x -> !x.train().isEmpty()).map(Dataset::id).toList());
            }
        }

        // A size that some training set has and another lacks (the paper's xsum has no 4000 or 6000)
        // leaves that set's jobs of the size out, and the plan says so; a size no set has is a typo.
        List<Integer> trainSizes = ints(root, "train_sizes", List.of(2000), 1);
        for (int i = 0; i < trainSizes.size(); i++) {
            int size = trainSizes.get(i);
            if (trainSets.stream().anyMatch(d -> d != null && d.train().containsKey(size))) continue;
            for (Dataset d : trainSets) {
                if (d != null && !d.train().isEmpty()) {
                    problem("train_sizes[" + i + "]", d.id() + " has no training file of size " + size + ", sizes: " + d.train().keySet());
                }
            }
        }

        if (trains) {
            checkRecords("train_datasets", trainSets, d -> trainSizes.stream().filter(d.train()::containsKey).forEach(d::trainExamples));
        }

        Map<String, List<Integer>> ficlShots = Map.of();
        if (methods.contains(Method.FTICL)) {
            if (!root.has("fticl_shots")) {
                problem("fticl_shots", "missing; methods has fticl, so give its k (demonstrations per training prompt)");
            } else {
                ficlShots = shotsByTask(root, "fticl_shots", null, 1, trainSets);
            }
        } else if (root.has("fticl_shots")) {
            problem("fticl_shots", "given, but methods has no fticl");
        }
        List<Long> seeds = longs(root, "seeds", List.of(1L));

        List<String> evalSetIds = evalSets(root.get("eval_sets"));
        List<Dataset> evalSets = datasets(evalSetIds, "eval_sets");
        checkRecords("eval_sets", evalSets, Dataset::testExamples);
        Map<String, List<Integer>> evalShots = shotsByTask(root, "eval_shots", List.of(0), 0, evalSets);
        List<Integer> templates = ints(root, "templates", List.of(0, 1), 0);
        for (int i = 0; i < templates.size(); i++) {
            for (Task task : tasksOf(evalSets)) checkTemplate(task, templates.get(i), "templates[" + i + "]");
        }

        ScoringMode scoring = enumValue(root, "scoring", "first-token", ScoringMode::of);
        Sampler sampler = enumValue(root, "sampler", Sampler.FIRST_K.id(), Sampler::parse);
        long evalSeed = longValue(root, "eval_seed", 1234);
        int maxNewTokens = intValue(root, "max_new_tokens", 60, 1);
        boolean stemmer = bool(root, "stemmer", false);
        DType dtype = enumValue(root, "dtype", "float32", DType::parse);

        StudySpec.Lora lora = lora(root.get("lora"));
        StudySpec.Training training = training(root.get("training"));
        for (Task task : tasksOf(trainSets)) checkTemplate(task, training.template(), "training.template");
        StudySpec.Limits limits = limits(root.get("limits"), modelDirs);
        if (limits.maxLength() <= maxNewTokens) {
            problem("limits.max_length", "must exceed max_new_tokens (" + maxNewTokens + "), got " + limits.maxLength());
        }

        PromptCompat promptCompat = enumValue(root, "prompt_compat", PromptCompat.CROSSGEN.id(), PromptCompat::parse);

        if (!problems.isEmpty()) throw new StudySpecException(name, problems);
        return new StudySpec(file, models, modelDirs, adapters, trainDatasets, methods, ficlShots, trainSizes, seeds, evalSetIds,
                evalShots, templates, scoring, sampler, evalSeed, maxNewTokens, stemmer, dtype, lora, training, limits, promptCompat);
    }

    private JsonNode parse() {
        String text;
        String why = InputFiles.notRegular(file); // a FIFO would block the read forever
        if (why != null) throw new StudySpecException(name, List.of(name + ": study spec " + why));
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new StudySpecException(name, List.of(name + ": cannot read the study spec: " + e.getMessage()));
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new StudySpecException(name, List.of(name + ": line " + (at == null ? "?" : at.getLineNr())
                    + ": not valid YAML: " + InputFiles.message(e)));
        }
        if (root == null || !root.isObject()) {
            throw new StudySpecException(name, List.of(name + ": a study spec is a YAML mapping of settings, known keys: " + KEYS));
        }
        return root;
    }

    /** The methods, each parsed; an unknown one is reported at its index. */
    private List<Method> methods(JsonNode root) {
        List<String> names = strings(root, "methods", null);
        List<Method> methods = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            try {
                methods.add(Method.parse(names.get(i)));
            } catch (IllegalArgumentException e) {
                problem("methods[" + i + "]", e.getMessage());
            }
        }
        return methods;
    }

    /** A {@code models} entry: a name, or {@code {model: NAME, adapter: DIR, merge: BOOL}} (named {@code NAME+DIR}). */
    record ModelEntry(String name, String model, String adapter, boolean merge) {}

    private List<ModelEntry> modelEntries(JsonNode node) {
        if (node == null || node.isNull()) {
            problem("models", "missing");
            return List.of();
        }
        List<ModelEntry> out = new ArrayList<>();
        if (node.isTextual()) return List.of(new ModelEntry(node.asText(), node.asText(), null, false));
        if (!node.isArray()) {
            problem("models", "must be a list of models, got " + node);
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String at = "models[" + i + "]";
            if (item.isTextual()) {
                out.add(new ModelEntry(item.asText(), item.asText(), null, false));
            } else if (item.isObject()) {
                knownKeys(item, at + ".", MODEL_KEYS);
                JsonNode model = item.get("model"), adapter = item.get("adapter"), merge = item.get("merge");
                if (model == null || !model.isTextual()) problem(at + ".model", "needs a model folder, Hub id or \"default\", got " + model);
                else if (adapter != null && !adapter.isTextual()) problem(at + ".adapter", "must be an adapter folder, got " + adapter);
                else if (merge != null && !merge.isBoolean()) problem(at + ".merge", "must be true or false, got " + merge);
                else {
                    String a = adapter == null ? null : adapter.asText();
                    out.add(new ModelEntry(a == null ? model.asText() : model.asText() + "+" + a, model.asText(), a,
                            merge != null && merge.asBoolean()));
                }
            } else {
                problem(at, "must be a model name or {model: NAME, adapter: DIR}, got " + item);
            }
        }
        return out;
    }

    private Map<String, Path> resolveModels(List<ModelEntry> entries, Map<String, StudySpec.Adapter> adapters) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        Path base = file.toAbsolutePath().getParent();
        for (int i = 0; i < entries.size(); i++) {
            ModelEntry entry = entries.get(i);
            String m = entry.model();
            String at = "models[" + i + "]";
            if (dirs.containsKey(entry.name())) {
                problem(at, "repeated model " + entry.name());
                continue;
            }
            if (entry.adapter() != null) {
                Path adapter = base.resolve(entry.adapter()).normalize();
                if (!Files.isRegularFile(adapter.resolve("adapter_config.json"))) {
                    problem(at + ".adapter", "not a PEFT adapter folder (no adapter_config.json): " + adapter);
                    continue;
                }
                adapters.put(entry.name(), new StudySpec.Adapter(adapter, entry.merge()));
            }
            Path local = base.resolve(m).normalize();
            Optional<Path> located;
            try {   // a folder that exists wins over a name the locator knows, as in transformers
                located = Files.isDirectory(local) && !m.equals(ModelLocator.DEFAULT) ? Optional.empty() : locator.locate(m);
            } catch (IOException | IllegalArgumentException e) {
                problem(at, "no model folder " + local + ", and as a Hub id: " + e.getMessage());
                continue;
            }
            if (located.isEmpty() && m.equals(ModelLocator.DEFAULT)) {
                problem(at, "\"default\" names crossgen's built-in default model, which this build cannot locate; give a model folder");
                continue;
            }
            Path dir = located.orElse(local);
            if (!Files.isDirectory(dir)) {
                if (!modelsMayBeAbsent) problem(at, "model folder not found: " + dir);
            } else if (!Files.isRegularFile(dir.resolve("config.json"))) {
                problem(at, "not a model folder (no config.json): " + dir);
            } else {
                dirs.put(entry.name(), dir);
            }
        }
        return dirs;
    }

    private List<String> evalSets(JsonNode node) {
        if (node == null) {
            problem("eval_sets", "missing; give \"all\" or a list of test set ids");
            return List.of();
        }
        if (node.isTextual() && node.asText().equals("all")) {
            // The paper's grid: every test set with a demonstration pool (snli has none and is not in it).
            return registry.datasets().stream().filter(d -> d.demosFile().isPresent()).map(Dataset::id).toList();
        }
        if (!node.isArray()) {
            problem("eval_sets", "must be \"all\" or a list of test set ids, got " + node);
            return List.of();
        }
        if (node.isEmpty()) problem("eval_sets", "needs at least one test set id, or \"all\"");
        return strings(node, "eval_sets");
    }

    private List<Dataset> datasets(List<String> ids, String key) {
        List<Dataset> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            try {
                out.add(registry.dataset(ids.get(i)));
            } catch (IllegalArgumentException e) {
                problem(key + "[" + i + "]", e.getMessage());
                out.add(null);
            }
        }
        return out;
    }

    /**
     * Each dataset's files that the study reads (per {@code load}) must parse and hold records, so
     * an empty or broken test set stops the plan instead of a cell hours into the run.
     */
    private void checkRecords(String key, List<Dataset> datasets, Consumer<Dataset> load) {
        for (int i = 0; i < datasets.size(); i++) {
            Dataset d = datasets.get(i);
            if (d == null) continue;
            try {
                load.accept(d);
            } catch (DatasetFormatException e) {
                int more = e.problems().size() - 1;
                problem(key + "[" + i + "]", d.id() + ": " + e.problems().get(0)
                        + (more > 0 ? " (and " + more + " more; crossgen data validate " + d.id() + " lists them)" : ""));
            }
        }
    }

    private static List<Task> tasksOf(List<Dataset> datasets) {
        List<Task> tasks = new ArrayList<>();
        for (Dataset d : datasets) if (d != null && !tasks.contains(d.task())) tasks.add(d.task());
        return tasks;
    }

    private void checkTemplate(Task task, int template, String at) {
        if (template >= task.templates().size()) {
            problem(at, "task " + task.name() + " has templates 0.." + (task.templates().size() - 1) + ", got " + template);
        }
    }

    /**
     * Shot counts per task of {@code datasets}: a list (or one integer) applies to every task; a
     * mapping gives each task its own list, and a task of the study without an entry is an error
     * naming it. Each positive count must fit the demonstration pool of every dataset of its task.
     * {@code dflt == null}: required.
     */
    private Map<String, List<Integer>> shotsByTask(JsonNode root, String key, List<Integer> dflt, int min, List<Dataset> datasets) {
        List<Task> tasks = tasksOf(datasets);
        Map<String, List<Integer>> byTask = new LinkedHashMap<>();
        JsonNode node = root.get(key);
        if (node != null && node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String task = it.next();
                if (registry.tasks().stream().noneMatch(t -> t.name().equals(task))) {
                    problem(key + "." + task, "unknown task, known: " + registry.tasks().stream().map(Task::name).toList());
                }
            }
            for (Task task : tasks) {
                if (!node.has(task.name())) {
                    problem(key, "no entry for task " + task.name() + " (tasks of the study: "
                            + tasks.stream().map(Task::name).toList() + ")");
                } else {
                    byTask.put(task.name(), ints(node, key + ".", task.name(), null, min));
                }
            }
            byTask.forEach((task, shots) -> checkPools(shots, key + "." + task,
                    datasets.stream().filter(d -> d != null && d.task().name().equals(task)).toList()));
        } else {
            List<Integer> all = ints(root, "", key, dflt, min);
            for (Task task : tasks) byTask.put(task.name(), all);
            checkPools(all, key, datasets.stream().filter(d -> d != null).toList());
        }
        return Collections.unmodifiableMap(byTask);
    }

    /** Each positive shot count must fit the demonstration pool of every dataset it is used with. */
    private void checkPools(List<Integer> shots, String key, List<Dataset> datasets) {
        for (int i = 0; i < shots.size(); i++) {
            int k = shots.get(i);
            if (k <= 0) continue;
            List<String> short_ = new ArrayList<>();
            for (Dataset d : datasets) {
                int pool = poolSize(d);
                if (pool < 0) short_.add(d.id() + " (no demonstration pool)");
                else if (pool < k) short_.add(d.id() + " (" + d.demosFile().orElseThrow() + " holds " + pool + ")");
            }
            if (!short_.isEmpty()) {
                problem(key + "[" + i + "]", k + " shots exceed the demonstration pool of " + String.join(", ", short_));
            }
        }
    }

    /** Records in {@code d}'s demonstration pool; -1 if it has none or it cannot be read (reported). */
    private int poolSize(Dataset d) {
        return poolSizes.computeIfAbsent(d.id(), id -> {
            if (d.demosFile().isEmpty()) return -1;
            try {
                return d.demonstrations().size();
            } catch (RuntimeException e) {
                problem("(dataset " + id + ")", "demonstration pool cannot be read: " + e.getMessage());
                return Integer.MAX_VALUE; // reported once; do not also report every shot count
            }
        });
    }

    private StudySpec.Lora lora(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (!node.isObject()) {
            problem("lora", "must be a mapping with keys " + LORA_KEYS + " (leave it out for full fine-tuning), got " + node);
            return null;
        }
        knownKeys(node, "lora.", LORA_KEYS);
        int r = intValue(node, "lora.", "r", 8, 1);
        double alpha = number(node, "lora.", "alpha", 2.0 * r);
        if (alpha <= 0) problem("lora.alpha", "must be > 0, got " + alpha);
        double dropout = number(node, "lora.", "dropout", 0.05);
        if (dropout < 0 || dropout >= 1) problem("lora.dropout", "must be in [0, 1), got " + dropout);
        List<String> targets = node.has("targets") ? strings(node.get("targets"), "lora.targets") : List.of("q_proj", "v_proj");
        if (node.has("targets") && targets.isEmpty()) problem("lora.targets", "needs at least one of " + StudySpec.Lora.TARGETS);
        for (int i = 0; i < targets.size(); i++) {
            if (!StudySpec.Lora.TARGETS.contains(targets.get(i))) {
                problem("lora.targets[" + i + "]", "unknown projection '" + targets.get(i) + "', known: " + StudySpec.Lora.TARGETS);
            }
        }
        return new StudySpec.Lora(r, alpha, dropout, targets);
    }

    private StudySpec.Training training(JsonNode node) {
        StudySpec.Training d = StudySpec.Training.paper();
        if (node == null || node.isNull()) return d;
        if (!node.isObject()) {
            problem("training", "must be a mapping with keys " + TRAINING_KEYS + ", got " + node);
            return d;
        }
        knownKeys(node, "training.", TRAINING_KEYS);
        int epochs = intValue(node, "training.", "epochs", d.epochs(), 1);
        double lr = number(node, "training.", "lr", d.lr());
        if (lr <= 0) problem("training.lr", "must be > 0, got " + lr);
        int batch = intValue(node, "training.", "batch_size", d.batchSize(), 1);
        LrSchedule schedule = enumValue(node, "training.", "schedule", d.schedule().name().toLowerCase(java.util.Locale.ROOT),
                LrSchedule::parse, d.schedule());
        double warmup = number(node, "training.", "warmup_ratio", d.warmupRatio());
        if (warmup < 0 || warmup >= 1) problem("training.warmup_ratio", "must be in [0, 1), got " + warmup);
        double wd = number(node, "training.", "weight_decay", d.weightDecay());
        if (wd < 0) problem("training.weight_decay", "must be >= 0, got " + wd);
        int maxLength = intValue(node, "training.", "max_length", d.maxLength(), 2);
        int template = intValue(node, "training.", "template", d.template(), 0);
        // ranks_per_job is the same setting by its CPU name: one rank per GPU on CUDA, one process per rank on the CPU
        int ranks = intValue(node, "training.", "gpus_per_job", d.ranks(), 1);
        if (node.has("ranks_per_job")) {
            int alias = intValue(node, "training.", "ranks_per_job", d.ranks(), 1);
            if (node.has("gpus_per_job") && alias != ranks) {
                problem("training.ranks_per_job", "is another name for gpus_per_job; give one of them, got gpus_per_job " + ranks
                        + " and ranks_per_job " + alias);
            }
            ranks = alias;
        }
        Sharding zero = d.zero();
        if (node.hasNonNull("zero")) {
            try {
                zero = Sharding.parse("got", node.get("zero").asText());
            } catch (IllegalArgumentException e) {
                problem("training.zero", e.getMessage());
            }
        }
        if (zero.sharded() && ranks == 1) problem("training.zero", "shards across ranks; set training.gpus_per_job > 1 or leave zero out");
        boolean checkpointing = bool(node, "training.", "activation_checkpointing", d.activationCheckpointing());
        return new StudySpec.Training(epochs, lr, batch, schedule, warmup, wd, maxLength, template, ranks, zero, checkpointing);
    }

    private StudySpec.Limits limits(JsonNode node, Map<String, Path> modelDirs) {
        StudySpec.Limits d = StudySpec.Limits.none();
        if (node == null || node.isNull()) return d;
        if (!node.isObject()) {
            problem("limits", "must be a mapping with keys " + LIMITS_KEYS + ", got " + node);
            return d;
        }
        knownKeys(node, "limits.", LIMITS_KEYS);
        JsonNode maxLength = node.get("max_length");
        int context = maxLength != null && maxLength.isTextual() && maxLength.asText().equals(MODEL_CONTEXT)
                ? modelContext(modelDirs, d.maxLength()) : intValue(node, "limits.", "max_length", d.maxLength(), 2);
        int evalRecords = intValue(node, "limits.", "eval_records", 0, 0);
        return new StudySpec.Limits(evalRecords, intValue(node, "limits.", "classification_eval_records", evalRecords, 0),
                intValue(node, "limits.", "train_records", 0, 0), context);
    }

    /**
     * {@code limits.max_length: model}: the smallest {@code max_position_embeddings} of the spec's
     * models, read from their config.json, so no prompt is cut below what the model can read.
     */
    private int modelContext(Map<String, Path> modelDirs, int dflt) {
        if (modelDirs.isEmpty()) {
            problem("limits.max_length", "\"" + MODEL_CONTEXT + "\" reads the models' config.json, and no model folder is present; give a number");
            return dflt;
        }
        int context = Integer.MAX_VALUE;
        for (Path dir : modelDirs.values()) {
            try {
                context = Math.min(context, LlamaConfig.read(dir).maxPositions());
            } catch (IOException e) {
                problem("limits.max_length", "\"" + MODEL_CONTEXT + "\" needs the model's config: " + e.getMessage());
                return dflt;
            }
        }
        return context;
    }

    // ---- scalar and list readers: each reports a bad value at its path and returns the default ----

    private void knownKeys(JsonNode node, String prefix, List<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) problem(prefix + key, "unknown key, known: " + known);
        }
    }

    /** A list of strings (a single string is a list of one); {@code dflt == null}: required. */
    private List<String> strings(JsonNode root, String key, List<String> dflt) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            if (dflt == null) problem(key, "missing");
            return dflt == null ? List.of() : dflt;
        }
        return strings(node, key);
    }

    private List<String> strings(JsonNode node, String at) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) return List.of(node.asText());
        if (!node.isArray()) {
            problem(at, "must be a list of names, got " + node);
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                problem(at + "[" + i + "]", "must be a name, got " + item);
            } else if (!seen.add(item.asText())) {
                problem(at + "[" + i + "]", "repeated value " + item);
            } else {
                out.add(item.asText());
            }
        }
        return out;
    }

    /**
     * A list of integers >= {@code min} (a single integer is a list of one); {@code dflt == null}:
     * required. Values below {@code min} are reported but kept, so later checks see true indices.
     */
    private List<Integer> ints(JsonNode root, String key, List<Integer> dflt, int min) {
        return ints(root, "", key, dflt, min);
    }

    private List<Integer> ints(JsonNode root, String prefix, String key, List<Integer> dflt, int min) {
        List<Long> values = longs(root, prefix, key, dflt == null ? null : dflt.stream().map(Integer::longValue).toList());
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            String at = prefix + (root.path(key).isArray() ? key + "[" + i + "]" : key);
            if (v < min) problem(at, "must be >= " + min + ", got " + v);
            if (v > Integer.MAX_VALUE) problem(at, "must be at most " + Integer.MAX_VALUE + ", got " + v);
            out.add((int) Math.min(v, Integer.MAX_VALUE));
        }
        return out;
    }

    private List<Long> longs(JsonNode root, String key, List<Long> dflt) {
        return longs(root, "", key, dflt);
    }

    private List<Long> longs(JsonNode root, String prefix, String key, List<Long> dflt) {
        JsonNode node = root.get(key);
        String at = prefix + key;
        if (node == null || node.isNull()) {
            if (dflt == null) problem(at, "missing");
            return dflt == null ? List.of() : dflt;
        }
        if (node.isIntegralNumber()) return List.of(node.asLong());
        if (!node.isArray()) {
            problem(at, "must be a list of integers" + (prefix.isEmpty() && (key.endsWith("_shots")) ? " or a mapping of task to list" : "")
                    + ", got " + node);
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isIntegralNumber()) problem(at + "[" + i + "]", "must be an integer, got " + item);
            else if (!seen.add(item.asLong())) problem(at + "[" + i + "]", "repeated value " + item);
            else out.add(item.asLong());
        }
        return out;
    }

    private int intValue(JsonNode root, String key, int dflt, int min) {
        return intValue(root, "", key, dflt, min);
    }

    private int intValue(JsonNode node, String prefix, String key, int dflt, int min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problem(prefix + key, "must be an integer, got " + v);
            return dflt;
        }
        if (v.asInt() < min) {
            problem(prefix + key, "must be >= " + min + ", got " + v.asInt());
            return dflt;
        }
        return v.asInt();
    }

    private long longValue(JsonNode node, String key, long dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber()) {
            problem(key, "must be an integer, got " + v);
            return dflt;
        }
        return v.asLong();
    }

    private double number(JsonNode node, String prefix, String key, double dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) {
            problem(prefix + key, "must be a number, got " + v);
            return dflt;
        }
        return v.asDouble();
    }

    private String string(JsonNode node, String key, String dflt) {
        return text(node, "", key, dflt);
    }

    private String text(JsonNode node, String prefix, String key, String dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) {
            problem(prefix + key, "must be a name, got " + v);
            return dflt;
        }
        return v.asText();
    }

    private boolean bool(JsonNode node, String key, boolean dflt) {
        return bool(node, "", key, dflt);
    }

    private boolean bool(JsonNode node, String prefix, String key, boolean dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) {
            problem(prefix + key, "must be true or false, got " + v);
            return dflt;
        }
        return v.asBoolean();
    }

    /** A name parsed by {@code parse}, whose exception message lists the known names; the default if bad (reported). */
    private <T> T enumValue(JsonNode node, String key, String dflt, Function<String, T> parse) {
        return enumValue(node, "", key, dflt, parse, parse.apply(dflt));
    }

    private <T> T enumValue(JsonNode node, String prefix, String key, String dflt, Function<String, T> parse, T fallback) {
        String s = text(node, prefix, key, dflt);
        try {
            return parse.apply(s);
        } catch (IllegalArgumentException e) {
            problem(prefix + key, e.getMessage());
            return fallback;
        }
    }

    private void problem(String path, String message) {
        problems.add(name + ": " + path + ": " + message);
    }
}
