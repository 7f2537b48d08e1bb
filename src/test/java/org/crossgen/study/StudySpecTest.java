package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.crossgen.data.Dataset;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.ScoringMode;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.DType;
import org.crossgen.train.LrSchedule;
import org.crossgen.train.Sharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudySpecTest {
    static final TaskRegistry REGISTRY = TaskRegistry.paper();
    @TempDir Path tmp;

    @Test
    void readsAFullSpecAndAppliesThePapersDefaults() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", """
                # crossgen study run s.yaml
                models: [tiny]
                train_datasets: [sentiment/amazon]
                methods: [base, ft, fticl]
                fticl_shots: 2
                eval_sets: [sentiment/yelp, summary/xsum]
                eval_shots: [0, 4]
                lora: {r: 4, targets: [q_proj, k_proj]}
                limits: {eval_records: 5}
                """);
        StudySpec s = StudySpec.read(f, REGISTRY, ModelLocator.NONE);
        assertEquals(List.of("tiny"), s.models());
        assertEquals(tmp.resolve("tiny").toAbsolutePath(), s.modelDirs().get("tiny"));
        assertEquals(Map.of("sentiment", List.of(2)), s.ficlShots());
        assertEquals(List.of("sentiment", "summary"), List.copyOf(s.evalShots().keySet()));
        assertEquals(List.of(0, 4), s.evalShots().get("summary"));
        assertEquals(List.of(2000), s.trainSizes());
        assertEquals(List.of(1L), s.seeds());
        assertEquals(List.of(0, 1), s.templates());
        assertEquals(ScoringMode.FIRST_TOKEN, s.scoring());
        assertEquals(Sampler.FIRST_K, s.sampler());
        assertEquals(60, s.maxNewTokens());
        assertEquals(DType.FLOAT32, s.dtype());
        assertEquals(StudySpec.Training.paper(), s.training());
        assertEquals(new StudySpec.Training(2, 2e-5, 16, LrSchedule.LINEAR, 0, 0, 1024, 0), s.training());
        assertEquals(new StudySpec.Lora(4, 8.0, 0.05, List.of("q_proj", "k_proj")), s.lora());
        assertEquals(new StudySpec.Limits(5, 0, 1024), s.limits());
        assertEquals(Path.of("runs", "s"), StudyLayout.forSpec(f).dir());
    }

    @Test
    void ranksPerJobIsGpusPerJobAndTheirProblemsAreNamed() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        String head = "models: [tiny]\nmethods: [base, ft]\ntrain_datasets: [sentiment/amazon]\neval_sets: [sentiment/yelp]\n";
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", head + "training: {ranks_per_job: 4, zero: 2, activation_checkpointing: true}\n");
        StudySpec.Training t = StudySpec.read(f, REGISTRY, ModelLocator.NONE).training();
        assertEquals(List.of(4, Sharding.GRADIENTS, true), List.of(t.ranks(), t.zero(), t.activationCheckpointing()));
        assertEquals(1, StudySpec.read(StudyFixtures.writeSpec(tmp, "d.yaml", head), REGISTRY, ModelLocator.NONE).training().ranks());

        Path bad = StudyFixtures.writeSpec(tmp, "bad.yaml", head
                + "training: {gpus_per_job: 2, ranks_per_job: 4, zero: 3, activation_checkpointing: yes please}\n");
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(bad, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(
                bad + ": training.ranks_per_job: is another name for gpus_per_job; give one of them, got gpus_per_job 2 and ranks_per_job 4",
                bad + ": training.zero: got 3: expected 0|none, 1|optimizer or 2|gradients (ZeRO stage 3, sharding the weights "
                        + "themselves, is not implemented)",
                bad + ": training.activation_checkpointing: must be true or false, got \"yes please\""), e.problems());
        Path lone = StudyFixtures.writeSpec(tmp, "lone.yaml", head + "training: {gpus_per_job: 0, zero: 1}\n");
        e = assertThrows(StudySpecException.class, () -> StudySpec.read(lone, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(lone + ": training.gpus_per_job: must be >= 1, got 0",
                lone + ": training.zero: shards across ranks; set training.gpus_per_job > 1 or leave zero out"), e.problems());
    }

    @Test
    void classificationEvalRecordsDefaultsToEvalRecordsAndIsChecked() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", "models: tiny\nmethods: [base]\neval_sets: [sentiment/yelp]\n"
                + "limits: {eval_records: 5, classification_eval_records: 40}\n");
        StudySpec.Limits limits = StudySpec.read(f, REGISTRY, ModelLocator.NONE).limits();
        assertEquals(new StudySpec.Limits(5, 40, 0, 1024), limits);
        assertEquals(40, limits.evalRecords(REGISTRY.dataset("sentiment/yelp").task()));
        assertEquals(5, limits.evalRecords(REGISTRY.dataset("summary/xsum").task()));

        Path bad = StudyFixtures.writeSpec(tmp, "bad.yaml", "models: tiny\nmethods: [base]\neval_sets: [sentiment/yelp]\n"
                + "limits: {classification_eval_records: -1}\n");
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(bad, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(bad + ": limits.classification_eval_records: must be >= 0, got -1"), e.problems());
    }

    @Test
    void fullFineTuningWhenLoraIsAbsent() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", "models: tiny\nmethods: [base]\neval_sets: [sentiment/yelp]\n");
        assertNull(StudySpec.read(f, REGISTRY, ModelLocator.NONE).lora());
    }

    @Test
    void allMeansEveryTestSetOfThePapersGrid() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", "models: [tiny]\nmethods: [base]\neval_sets: all\neval_shots: [0, 4]\n");
        StudySpec s = StudySpec.read(f, REGISTRY, ModelLocator.NONE);
        assertEquals(18, s.evalSets().size(), s.evalSets()::toString);
        assertEquals(REGISTRY.datasets().stream().map(Dataset::id).filter(id -> !id.equals("inference/snli")).toList(), s.evalSets());
    }

    @Test
    void defaultIsResolvedThroughTheLocator() throws Exception {
        Path dir = StudyFixtures.fakeModel(tmp.resolve("builtin"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", "models: [default]\nmethods: [base]\neval_sets: [sentiment/yelp]\n");
        StudySpec s = StudySpec.read(f, REGISTRY, name -> name.equals("default") ? Optional.of(dir) : Optional.empty());
        assertEquals(dir, s.modelDirs().get("default"));
    }

    /** A Hub id goes to the locator (the CLI's finds it in the Hugging Face cache); an existing folder of that name wins. */
    @Test
    void hubIdsAreResolvedThroughTheLocatorUnlessAFolderHasThatName() throws Exception {
        Path snapshot = StudyFixtures.fakeModel(tmp.resolve("cache/snapshot"), "{}");
        ModelLocator hub = name -> {
            if (name.equals("org/tiny")) return Optional.of(snapshot);
            throw new java.io.IOException("model " + name + " (revision main) is not in the Hugging Face cache");
        };
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", "models: [org/tiny]\nmethods: [base]\neval_sets: [sentiment/yelp]\n");
        StudySpec s = StudySpec.read(f, REGISTRY, hub);
        assertEquals(List.of("org/tiny"), s.models(), "the Hub id is the model's name in plans and reports");
        assertEquals(snapshot, s.modelDirs().get("org/tiny"));
        StudyFixtures.fakeModel(tmp.resolve("org/tiny"), "{}");
        assertEquals(tmp.resolve("org/tiny").toAbsolutePath(), StudySpec.read(f, REGISTRY, hub).modelDirs().get("org/tiny"));
        Path g = StudyFixtures.writeSpec(tmp, "g.yaml", "models: [org/gone]\nmethods: [base]\neval_sets: [sentiment/yelp]\n");
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(g, REGISTRY, hub));
        assertEquals(List.of(g + ": models[0]: no model folder " + tmp.resolve("org/gone").toAbsolutePath()
                + ", and as a Hub id: model org/gone (revision main) is not in the Hugging Face cache"), e.problems());
    }

    @Test
    void modelEntriesWithAdaptersAreCheckedAndEvaluatedOnly() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        StudyFixtures.fakeModel(tmp.resolve("ad"), "{}");
        java.nio.file.Files.writeString(tmp.resolve("ad/adapter_config.json"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", "models: [tiny, {model: tiny, adapter: ad, merge: true}]\nmethods: [base]\n"
                + "eval_sets: [sentiment/yelp]\n");
        StudySpec s = StudySpec.read(f, REGISTRY, ModelLocator.NONE);
        assertEquals(List.of("tiny", "tiny+ad"), s.models());
        assertEquals(s.modelDirs().get("tiny"), s.modelDirs().get("tiny+ad"));
        assertEquals(new StudySpec.Adapter(tmp.resolve("ad").toAbsolutePath(), true), s.adapters().get("tiny+ad"));
        Path g = StudyFixtures.writeSpec(tmp, "g.yaml", "models: [{model: tiny, adapter: tiny}, {model: tiny, adapter: ad, merged: true}, "
                + "{model: tiny, adapter: ad}]\nmethods: [base, ft]\ntrain_datasets: [sentiment/amazon]\neval_sets: [sentiment/yelp]\n");
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(g, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(
                g + ": models[1].merged: unknown key, known: [model, adapter, merge]",
                g + ": models[0].adapter: not a PEFT adapter folder (no adapter_config.json): " + tmp.resolve("tiny").toAbsolutePath(),
                g + ": models[2]: repeated model tiny+ad",
                g + ": models[0]: a model with an adapter is evaluated only; fine-tuning starts from plain models (give it its own spec with methods: [base])",
                g + ": models[1]: a model with an adapter is evaluated only; fine-tuning starts from plain models (give it its own spec with methods: [base])",
                g + ": models[2]: a model with an adapter is evaluated only; fine-tuning starts from plain models (give it its own spec with methods: [base])"),
                e.problems());
    }

    @Test
    void theExampleSpecIsValid() throws Exception {
        Path model = StudyFixtures.fakeModel(tmp.resolve("builtin"), "{}");
        StudySpec s = StudySpec.read(Path.of("examples/study/paper-sentiment.yaml"), REGISTRY, name -> Optional.of(model));
        assertEquals(List.of(2000, 4000, 6000), s.trainSizes());
        assertEquals(18, s.evalSets().size());
        assertEquals(DType.BFLOAT16, s.dtype());
    }

    @Test
    void listsEveryProblemWithFileAndYamlPath() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("nocfg"), "{}");
        java.nio.file.Files.delete(tmp.resolve("nocfg/config.json"));
        Path f = StudyFixtures.writeSpec(tmp, "bad.yaml", """
                models: [nowhere, default, nocfg]
                train_datasets: [sentiment/imdb, sentiment/yelp, sentiment/amazon]
                methods: [ft, fticl, lora]
                train_sizes: [2000, 3000]
                eval_sets: [sentiment/yelp, inference/snli, question/tweetqa]
                eval_shots: [-1, 5]
                templates: [0, 2]
                scoring: best
                sampler: papr
                training: {lr: fast, epochs: 0, warmup: 0.1, schedule: cosh}
                lora: {dropout: 1.5, targets: [q_proj, w_proj]}
                limits: {max_length: 50}
                colour: blue
                """);
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(f, REGISTRY, ModelLocator.NONE));
        String at = f + ": ";
        List<String> known = REGISTRY.datasets().stream().map(Dataset::id).toList();
        assertEquals(List.of(
                at + "colour: unknown key, known: " + SpecReader.KEYS,
                at + "models[0]: model folder not found: " + tmp.resolve("nowhere").toAbsolutePath(),
                at + "models[1]: \"default\" names crossgen's built-in default model, which this build cannot locate; give a model folder",
                at + "models[2]: not a model folder (no config.json): " + tmp.resolve("nocfg").toAbsolutePath(),
                at + "methods[2]: unknown method \"lora\"; known: [base, ft, fticl]",
                at + "train_datasets[0]: unknown dataset 'sentiment/imdb', known: " + known,
                at + "train_datasets[1]: sentiment/yelp has no training files; datasets with training files: "
                        + "[summary/xsum, question/socialqa, sentiment/amazon, inference/multinli, detection/paws]",
                at + "train_sizes[1]: sentiment/amazon has no training file of size 3000, sizes: [2000, 4000, 6000]",
                at + "fticl_shots: missing; methods has fticl, so give its k (demonstrations per training prompt)",
                at + "eval_shots[0]: must be >= 0, got -1",
                at + "eval_shots[1]: 5 shots exceed the demonstration pool of inference/snli (no demonstration pool), question/tweetqa (question/few_shot/tweetqa_few_shot.json holds 4)",
                at + "templates[1]: task sentiment has templates 0..1, got 2",
                at + "templates[1]: task inference has templates 0..1, got 2",
                at + "templates[1]: task question has templates 0..1, got 2",
                at + "scoring: unknown scoring mode \"best\"; known: [first-token, loglikelihood, loglikelihood-norm]",
                at + "sampler: unknown sampler \"papr\"; known: paper, first, random",
                at + "lora.dropout: must be in [0, 1), got 1.5",
                at + "lora.targets[1]: unknown projection 'w_proj', known: " + StudySpec.Lora.TARGETS,
                at + "training.warmup: unknown key, known: " + SpecReader.TRAINING_KEYS,
                at + "training.epochs: must be >= 1, got 0",
                at + "training.lr: must be a number, got \"fast\"",
                at + "training.schedule: unknown lr schedule \"cosh\"; known: [linear, cosine, constant]",
                at + "limits.max_length: must exceed max_new_tokens (60), got 50"), e.problems());
        assertTrue(e.getMessage().startsWith(f + ": 23 problems\n  " + at + "colour: unknown key"), e.getMessage());
    }

    @Test
    void fticlShotsMustFitTheTrainingPoolAndNeedFticl() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", """
                models: [tiny]
                train_datasets: [summary/xsum]
                methods: [fticl]
                fticl_shots: [0, 5]
                eval_sets: [summary/xsum]
                seeds: [1, 1]
                """);
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(f, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(f + ": fticl_shots[0]: must be >= 1, got 0",
                f + ": fticl_shots[1]: 5 shots exceed the demonstration pool of summary/xsum (summary/few_shot/xsum_few_shot.json holds 4)",
                f + ": seeds[1]: repeated value 1"), e.problems());

        Path g = StudyFixtures.writeSpec(tmp, "g.yaml", "models: [tiny]\nmethods: [base]\nfticl_shots: 1\n");
        e = assertThrows(StudySpecException.class, () -> StudySpec.read(g, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(g + ": fticl_shots: given, but methods has no fticl",
                g + ": eval_sets: missing; give \"all\" or a list of test set ids"), e.problems());
    }

    @Test
    void notYamlOrNotAMappingIsOneProblem() throws Exception {
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", "models: [a\n");
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(f, REGISTRY, ModelLocator.NONE));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith(f + ": line "), e.problems()::toString);
        Path g = StudyFixtures.writeSpec(tmp, "g.yaml", "- a\n- b\n");
        e = assertThrows(StudySpecException.class, () -> StudySpec.read(g, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(g + ": a study spec is a YAML mapping of settings, known keys: " + SpecReader.KEYS), e.problems());
        Path folder = java.nio.file.Files.createDirectories(tmp.resolve("specs"));
        e = assertThrows(StudySpecException.class, () -> StudySpec.read(folder, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(folder + ": study spec is a directory, expected a file"), e.problems());
        Path missing = tmp.resolve("missing.yaml");
        e = assertThrows(StudySpecException.class, () -> StudySpec.read(missing, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(missing + ": study spec not found"), e.problems());
    }

    @Test
    void shotsCanBeGivenPerTask() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", """
                models: [tiny]
                train_datasets: [summary/xsum, sentiment/amazon]
                methods: [ft, fticl]
                fticl_shots: {summary: [1, 2], sentiment: [2, 4]}
                eval_sets: [sentiment/yelp, summary/cnn]
                eval_shots: {summary: [4, 2, 1, 0], sentiment: [2, 4, 6, 0], inference: [3]}
                """);
        StudySpec s = StudySpec.read(f, REGISTRY, ModelLocator.NONE);
        assertEquals(Map.of("summary", List.of(1, 2), "sentiment", List.of(2, 4)), s.ficlShots());
        assertEquals(Map.of("sentiment", List.of(2, 4, 6, 0), "summary", List.of(4, 2, 1, 0)), s.evalShots());
        StudyPlan plan = new Planner(REGISTRY, ModelIdentity.inMemory()).plan(s);
        assertEquals(List.of("ft summary/xsum n=2000 seed=1", "fticl1 summary/xsum n=2000 seed=1", "fticl2 summary/xsum n=2000 seed=1",
                "ft sentiment/amazon n=2000 seed=1", "fticl2 sentiment/amazon n=2000 seed=1", "fticl4 sentiment/amazon n=2000 seed=1"),
                plan.jobs().stream().map(TrainingJob::label).toList());
        assertEquals(6 * 2 * (4 + 4), plan.cells().size()); // 6 models x 2 templates x (4 yelp + 4 cnn shot counts)
    }

    @Test
    void aTaskWithoutShotsAndAShotCountBeyondItsPoolAreNamed() throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", """
                models: [tiny]
                train_datasets: [summary/xsum]
                methods: [fticl]
                fticl_shots: {summary: [5], topics: [1]}
                eval_sets: [sentiment/yelp, question/tweetqa]
                eval_shots: {question: [0, 6]}
                """);
        StudySpecException e = assertThrows(StudySpecException.class, () -> StudySpec.read(f, REGISTRY, ModelLocator.NONE));
        assertEquals(List.of(
                f + ": fticl_shots.topics: unknown task, known: [summary, question, sentiment, inference, detection]",
                f + ": fticl_shots.summary[0]: 5 shots exceed the demonstration pool of summary/xsum (summary/few_shot/xsum_few_shot.json holds 4)",
                f + ": eval_shots: no entry for task sentiment (tasks of the study: [sentiment, question])",
                f + ": eval_shots.question[1]: 6 shots exceed the demonstration pool of question/tweetqa (question/few_shot/tweetqa_few_shot.json holds 4)"),
                e.problems());
    }
}
