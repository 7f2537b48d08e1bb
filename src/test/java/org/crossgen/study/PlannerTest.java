package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.crossgen.data.TaskRegistry;
import org.crossgen.eval.EvalSpec;
import org.crossgen.eval.ScoringMode;
import org.crossgen.files.ContentHash;
import org.crossgen.prompt.Sampler;
import org.crossgen.tensor.DType;
import org.crossgen.train.LrSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
    @TempDir Path tmp;

    private StudyPlan plan(String yaml) throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{\"hidden_size\": 32}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", yaml);
        return new Planner(TaskRegistry.paper(), ModelIdentity.inMemory()).plan(StudySpec.read(f, TaskRegistry.paper(), ModelLocator.NONE));
    }

    @Test
    void expandsJobsAndCellsOverEveryAxis() throws Exception {
        StudyPlan p = plan("""
                models: [tiny]
                train_datasets: [sentiment/amazon, detection/paws]
                methods: [base, ft, fticl]
                fticl_shots: [1, 2]
                train_sizes: [2000, 4000]
                seeds: [1, 2]
                eval_sets: [sentiment/yelp, summary/xsum, detection/qqp]
                eval_shots: [0, 1]
                templates: [0, 1]
                """);
        assertEquals(2 * 3 * 2 * 2, p.jobs().size()); // train set x (ft, fticl1, fticl2) x size x seed
        assertEquals((1 + 24) * 3 * 2 * 2, p.cells().size()); // (base + jobs) x eval sets x templates x shots
        assertEquals(p.jobs().size(), p.jobsByKey().size());
        assertEquals(p.cells().size(), p.cells().stream().map(EvalCell::key).distinct().count());
        TrainingJob first = p.jobs().get(0);
        assertEquals("ft sentiment/amazon n=2000 seed=1", first.label());
        assertEquals("fticl2 sentiment/amazon n=2000 seed=1", p.jobs().get(8).label());
        // base cells come first; every other cell names its job
        assertEquals(Method.BASE, p.cells().get(0).method());
        assertEquals(first.key(), p.cells().get(12).jobKey());
        assertEquals(first.key(), p.cells().get(12).modelKey());
    }

    @Test
    void anEmptyFticlListLeavesThatTaskOutOfFticl() throws Exception {
        StudyPlan p = plan("""
                models: [tiny]
                train_datasets: [summary/xsum, sentiment/amazon]
                methods: [base, ft, fticl]
                fticl_shots: {summary: [], sentiment: [1]}
                eval_sets: [sentiment/yelp]
                templates: [0]
                """);
        assertEquals(List.of("ft summary/xsum n=2000 seed=1", "ft sentiment/amazon n=2000 seed=1", "fticl1 sentiment/amazon n=2000 seed=1"),
                p.jobs().stream().map(TrainingJob::label).toList());
        assertEquals(1 + 3, p.cells().size());
    }

    @Test
    void classificationTestSetsTakeTheirOwnRecordLimit() throws Exception {
        StudyPlan p = plan("""
                models: [tiny]
                methods: [base]
                eval_sets: [sentiment/yelp, summary/xsum, detection/qqp]
                templates: [0]
                limits: {eval_records: 5, classification_eval_records: 20}
                """);
        assertEquals(List.of("sentiment/yelp=20", "summary/xsum=5", "detection/qqp=20"),
                p.cells().stream().map(c -> c.eval().dataset() + "=" + c.eval().limit()).toList());
    }

    @Test
    void oneRecordLimitCoversEveryTestSetByDefault() throws Exception {
        StudyPlan p = plan("models: [tiny]\nmethods: [base]\neval_sets: [sentiment/yelp, summary/xsum]\ntemplates: [0]\n"
                + "limits: {eval_records: 7}\n");
        assertEquals(List.of(7, 7), p.cells().stream().map(c -> c.eval().limit()).toList());
    }

    @Test
    void keysAreTheSameOnEveryRunAndForACopiedModel() throws Exception {
        String yaml = "models: [tiny]\ntrain_datasets: [sentiment/amazon]\nmethods: [base, ft]\neval_sets: [sentiment/yelp]\n";
        StudyPlan a = plan(yaml), b = plan(yaml);
        assertEquals(a.cells().stream().map(EvalCell::key).toList(), b.cells().stream().map(EvalCell::key).toList());
        assertEquals(a.jobs().get(0).key(), b.jobs().get(0).key());

        Path copy = StudyFixtures.fakeModel(tmp.resolve("elsewhere/copy"), "{\"hidden_size\": 32}");
        ModelIdentity id = ModelIdentity.inMemory();
        assertEquals(id.of(tmp.resolve("tiny")), id.of(copy));
        Files.writeString(copy.resolve("config.json"), "{\"hidden_size\": 64}");
        assertNotEquals(id.of(tmp.resolve("tiny")), id.of(copy));
    }

    /** Pinned: a change here silently orphans every stored result; bump the version string instead. */
    @Test
    void cellKeyIsPinned() {
        EvalCell c = StudyFixtures.cell("model-a", 0);
        // independent: Python's hashlib over "<len>:<part>" for each part gives the literal below
        assertEquals("0afaba170a1359cc12029d4ff582f7391f86dcde68de41190bccdead35c88c9d", c.key());
        assertEquals(ContentHash.sha256("crossgen-eval-cell-v1", "model-a", "sentiment/yelp", "0", "0", "-", "1000",
                "first-token", "5", "-", "1024", "-", "float32"), c.key());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ContentHash.sha256());
    }

    @Test
    void cellKeyChangesWithEveryFieldThatDecidesTheResult() {
        EvalCell c = StudyFixtures.cell("model-a", 0);
        EvalCell gen = new EvalCell(c.base(), null, TaskRegistry.paper().task("summary"),
                new EvalSpec("summary/xsum", 0, 2, Sampler.FIRST_K, 1, ScoringMode.FIRST_TOKEN, 5, 60, 1024, false), DType.FLOAT32);
        List<UnaryOperator<EvalCell>> changes = List.of(
                x -> with(x, "base", StudyFixtures.base("model-b")),
                x -> withEval(x, "dataset", "sentiment/sst2"),
                x -> withEval(x, "template", 1),
                x -> withEval(x, "shots", 2),
                x -> withEval(x, "seed", 7L),
                x -> withEval(x, "scoring", ScoringMode.LOGLIKELIHOOD),
                x -> withEval(x, "limit", 0),
                x -> withEval(x, "maxLength", 512),
                x -> with(x, "dtype", DType.BFLOAT16),
                x -> new EvalCell(StudyFixtures.job().base(), StudyFixtures.job(), x.task(), x.eval(), x.dtype()));
        Set<String> keys = new HashSet<>(Set.of(c.key()));
        for (var change : changes) keys.add(change.apply(c).key());
        assertEquals(changes.size() + 1, keys.size());
        // generation: budget, stemmer and (with shots) sampler matter, scoring does not
        assertNotEquals(gen.key(), withEval(gen, "maxNewTokens", 30).key());
        assertNotEquals(gen.key(), withEval(gen, "stemmer", true).key());
        assertNotEquals(gen.key(), withEval(gen, "sampler", Sampler.RANDOM).key());
        assertEquals(gen.key(), withEval(gen, "scoring", ScoringMode.LOGLIKELIHOOD).key());
        // classification at 0 shots ignores the sampler, budget and stemmer
        assertEquals(c.key(), withEval(c, "sampler", Sampler.RANDOM).key());
        assertEquals(c.key(), withEval(c, "maxNewTokens", 30).key());
        assertEquals(c.key(), withEval(c, "stemmer", true).key());
        // where the base model lives on this machine, and what the spec calls it, are not part of its identity
        assertEquals(c.key(), with(c, "base", new BaseModel("renamed", Path.of("/elsewhere"), "model-a")).key());
    }

    @Test
    void jobKeyChangesWithEveryTrainingSetting() {
        TrainingJob j = StudyFixtures.job();
        StudySpec.Training t = j.training();
        List<TrainingJob> variants = List.of(
                with(j, "base", StudyFixtures.base("id2")),
                with(j, "trainDataset", "detection/paws"),
                new TrainingJob(j.base(), j.trainDataset(), Method.FTICL, 1, 2000, 1, t, null, 0, DType.FLOAT32),
                with(j, "trainSize", 4000),
                with(j, "seed", 2L),
                with(j, "training", with(t, "epochs", 3)),
                with(j, "training", with(t, "lr", 1e-4)),
                with(j, "training", with(t, "batchSize", 8)),
                with(j, "training", with(t, "schedule", LrSchedule.COSINE)),
                with(j, "training", with(t, "warmupRatio", 0.1)),
                with(j, "training", with(t, "weightDecay", 0.01)),
                with(j, "training", with(t, "maxLength", 512)),
                with(j, "training", with(t, "template", 1)),
                with(j, "lora", new StudySpec.Lora(8, 16, 0.05, List.of("q_proj"))),
                with(j, "lora", new StudySpec.Lora(8, 16, 0.05, List.of("q_proj", "v_proj"))),
                with(j, "trainRecords", 100),
                with(j, "dtype", DType.BFLOAT16));
        Set<String> keys = new HashSet<>(Set.of(j.key()));
        for (TrainingJob v : variants) keys.add(v.key());
        assertEquals(variants.size() + 1, keys.size());
        assertEquals(j.key(), with(j, "base", new BaseModel("renamed", Path.of("/other/place"), "id")).key());
    }

    /** A copy of {@code cell} with one evaluation setting replaced. */
    static EvalCell withEval(EvalCell cell, String field, Object value) {
        return with(cell, "eval", with(cell.eval(), field, value));
    }

    /** A copy of record {@code r} with one component replaced (by record component name). */
    @SuppressWarnings("unchecked")
    static <R extends Record> R with(R r, String field, Object value) {
        var comps = r.getClass().getRecordComponents();
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        try {
            for (int i = 0; i < comps.length; i++) {
                types[i] = comps[i].getType();
                args[i] = comps[i].getName().equals(field) ? value : comps[i].getAccessor().invoke(r);
            }
            return (R) r.getClass().getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
