package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.data.TaskRegistry;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real mini study: a tiny random Llama with the real tokenizer, evaluated by the real {@link TorchCellEvaluator}. */
class StudyEndToEndTest {
    @TempDir Path tmp;

    @Test
    void baseAndFineTunedModelsOnThreeTestSets() throws Exception {
        TinyModels.save(tmp.resolve("tiny"), 3, true);
        Path f = StudyFixtures.writeSpec(tmp, "mini.yaml", """
                models: [tiny]
                train_datasets: [sentiment/amazon]
                methods: [base, ft]
                eval_sets: [sentiment/yelp, detection/qqp, summary/xsum]
                eval_shots: [0, 1]
                templates: [0]
                max_new_tokens: 8
                limits: {eval_records: 5, max_length: 256}
                """);
        TaskRegistry registry = TaskRegistry.paper();
        StudyPlan plan = new Planner(registry, ModelIdentity.inMemory()).plan(StudySpec.read(f, registry, ModelLocator.NONE));
        assertEquals(12, plan.cells().size());
        // test double of a trainer: the "fine-tuned" model is another random model, without tokenizer files
        Trainer trainer = (job, out) -> TinyModels.save(out, 100 + job.seed(), false);
        Path dir = tmp.resolve("study");
        try (TorchCellEvaluator evaluator = new TorchCellEvaluator(registry, ComputeDevice.CPU, 4, null)) {
            StudyRun run = new StudyRunner(new StudyLayout(dir), trainer, evaluator, null, StudyRunner.LEASE).run(plan);
            assertEquals(new StudyRun(1, 12, 1, 1, 12, 12, List.of()), run, run::summary);
        }
        List<ResultRow> rows;
        try (ResultStore store = ResultStore.open(dir)) {
            rows = store.rows();
            // the two models answer differently: label scores of the same cell differ
            EvalCell base = plan.cells().get(0), tuned = plan.cells().get(6);
            assertEquals(base.eval().dataset(), tuned.eval().dataset());
            assertEquals(5, store.predictions(base.key()).size());
            assertNotEquals(store.predictions(base.key()).get(0).labelScores(), store.predictions(tuned.key()).get(0).labelScores());
        }
        // per model: yelp and qqp give accuracy, xsum gives rougeL and bleu; 2 shot settings
        assertEquals(2 * 2 * (1 + 1 + 2), rows.size(), rows::toString);
        for (ResultRow r : rows) {
            assertEquals(5, r.n());
            assertTrue(r.value() >= 0 && (r.metric().equals("bleu") ? r.value() <= 100 : r.value() <= 1), r::toString);
        }
        assertEquals(List.of("accuracy", "accuracy", "accuracy", "accuracy", "rougeL", "bleu", "rougeL", "bleu"),
                rows.subList(0, 8).stream().map(ResultRow::metric).toList());
        assertEquals(Method.FT, rows.get(8).method());
        assertEquals("sentiment/amazon", rows.get(8).trainDataset());
        assertTrue(Files.isRegularFile(dir.resolve("cells").resolve(plan.cells().get(0).key()).resolve("records.jsonl")));
    }

    /** A spec entry {model, adapter}: evaluated with the adapter attached, or merged (the same cells, the same scores). */
    @Test
    void aModelWithAnAdapterAttachedOrMerged() throws Exception {
        TinyModels.save(tmp.resolve("tiny"), 3, true);
        TinyModels.adapter(tmp.resolve("tiny"), tmp.resolve("adapter"), 5);
        String spec = """
                models: [tiny, {model: tiny, adapter: adapter%s}]
                methods: [base]
                eval_sets: [sentiment/yelp]
                eval_shots: [0]
                templates: [0]
                limits: {eval_records: 5, max_length: 256}
                """;
        TaskRegistry registry = TaskRegistry.paper();
        StudyPlan attached = new Planner(registry, ModelIdentity.inMemory())
                .plan(StudySpec.read(StudyFixtures.writeSpec(tmp, "a.yaml", spec.formatted("")), registry, ModelLocator.NONE));
        StudyPlan merged = new Planner(registry, ModelIdentity.inMemory())
                .plan(StudySpec.read(StudyFixtures.writeSpec(tmp, "m.yaml", spec.formatted(", merge: true")), registry, ModelLocator.NONE));
        assertEquals("tiny+adapter", attached.cells().get(1).base().name());
        assertNotEquals(attached.cells().get(0).key(), attached.cells().get(1).key(), "the adapter is part of the model's identity");
        assertEquals(attached.cells().get(1).key(), merged.cells().get(1).key(), "merging changes how, not what, is computed");
        List<List<Double>> scores = new java.util.ArrayList<>();
        for (StudyPlan plan : List.of(attached, merged)) {
            Path dir = tmp.resolve("study-" + scores.size());
            try (TorchCellEvaluator evaluator = new TorchCellEvaluator(registry, ComputeDevice.CPU, 4, null)) {
                StudyRun run = new StudyRunner(new StudyLayout(dir), (job, out) -> { }, evaluator, null, StudyRunner.LEASE).run(plan);
                assertEquals(List.of(), run.failures(), run::summary);
            }
            try (ResultStore store = ResultStore.open(dir)) {
                List<Double> s = new java.util.ArrayList<>();
                for (EvalCell c : plan.cells()) store.predictions(c.key()).forEach(p -> s.addAll(new java.util.TreeMap<>(p.labelScores()).values()));
                scores.add(s);
            }
        }
        double apart = 0, moved = 0;
        int half = scores.get(0).size() / 2;
        for (int i = 0; i < scores.get(0).size(); i++) {
            apart = Math.max(apart, Math.abs(scores.get(0).get(i) - scores.get(1).get(i)));
            if (i >= half) moved = Math.max(moved, Math.abs(scores.get(0).get(i) - scores.get(0).get(i - half)));
        }
        assertTrue(moved > 1e-3, "the adapter changes the label scores, max " + moved);
        assertTrue(apart <= 1e-4, "attached vs merged label scores, tolerance 1e-4: max |diff| " + apart);
    }
}
