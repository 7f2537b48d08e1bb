package org.crossgen.study;

import static org.bytedeco.pytorch.global.torch.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.data.TaskRegistry;
import org.crossgen.model.DefaultModel;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.Tensors;
import org.crossgen.tensor.Torch;
import org.crossgen.testing.TestResources;
import org.crossgen.text.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DriftMeter} on stories260k against a copy whose layer 2 got Gaussian noise. */
class DriftMeterTest {
    private static final String PERTURBED = "model.layers.2.mlp.up_proj.weight";
    @TempDir static Path dir;
    static Path perturbed;
    static double expectedLayer2Change;   // ‖noise‖_F / ‖layer-2 weights‖_F, summed in Java doubles

    @BeforeAll
    static void perturbLayer2() throws IOException {
        perturbed = dir.resolve("perturbed");
        try (LlamaModel m = LlamaModel.load(TestResources.stories260k(), DType.FLOAT32, ComputeDevice.CPU);
             NativeScope scope = NativeScope.open()) {
            double layerSquared = 0;
            for (Map.Entry<String, Tensor> e : m.namedWeights().entrySet()) {
                if (e.getKey().startsWith("model.layers.2.")) layerSquared += squaredNorm(Tensors.toFloats(e.getValue()));
            }
            Torch.seed(7);
            Tensor noise = randn(m.namedWeights().get(PERTURBED).shape()).mul(new Scalar(0.05));
            m.namedWeights().get(PERTURBED).add_(noise);
            expectedLayer2Change = Math.sqrt(squaredNorm(Tensors.toFloats(noise)) / layerSquared);
            m.save(perturbed);
        }
    }

    private static double squaredNorm(float[] xs) {
        double s = 0;
        for (float x : xs) s += (double) x * x;
        return s;
    }

    /** Five prompts of 3 to 11 tokens, BOS first, other ids drawn from the 512-token vocabulary. */
    private static List<long[]> prompts() {
        Random r = new Random(1);
        List<long[]> ps = new ArrayList<>();
        for (int len : new int[] {3, 11, 6, 9, 4}) {
            long[] p = new long[len];
            p[0] = 1;
            for (int t = 1; t < len; t++) p[t] = 3 + r.nextInt(509);
            ps.add(p);
        }
        return ps;
    }

    private static List<DriftRow> measure(Path ft, int batchSize) throws IOException {
        try (DriftMeter drift = DriftMeter.against("stories260k", TestResources.stories260k(), prompts(), batchSize,
                DType.FLOAT32, ComputeDevice.CPU)) {
            TrainingJob job = new TrainingJob(new BaseModel("stories260k", TestResources.stories260k(), "id"), "summary/xsum",
                    Method.FT, 0, 100, 3, StudySpec.Training.paper(), null, 0, DType.FLOAT32);
            return drift.measure(ft, job);
        }
    }

    /** The built-in model against a copy of itself: nothing moved, measured once, then read from drift.json. */
    @Test
    void driftCacheMeasuresAModelOnceAndThenReadsItsFile() throws IOException {
        Path base = DefaultModel.path();
        Path model = Files.createDirectories(dir.resolve("cached"));
        for (String f : new String[] {"config.json", "model.safetensors"}) Files.copy(base.resolve(f), model.resolve(f));
        TrainingJob job = new TrainingJob(new BaseModel(DefaultModel.NAME, base, "id"), "summary/xsum",
                Method.FT, 0, 100, 3, StudySpec.Training.paper(), null, 0, DType.FLOAT32);
        DriftCache cache = new DriftCache(TaskRegistry.paper(), ComputeDevice.CPU);
        List<DriftRow> measured = cache.rows(List.of(job), j -> model);
        assertEquals(0.0, value(measured, DriftRow.RELATIVE_CHANGE, DriftRow.ALL), 0.0);
        assertEquals(0.0, value(measured, DriftRow.KL, DriftRow.NEXT_TOKEN), 1e-9);
        assertTrue(measured.stream().filter(r -> r.measure().equals(DriftRow.KL)).findFirst().orElseThrow().n() > 1000,
                "the KL's positions: 4 held-out prompts of every test set");
        assertTrue(Files.exists(model.resolve(DriftCache.FILE)));
        Files.delete(model.resolve("model.safetensors"));   // a second call reads drift.json and loads no model
        assertEquals(measured, cache.rows(List.of(job), j -> model));
    }

    private static double value(List<DriftRow> rows, String measure, String part) {
        return rows.stream().filter(r -> r.measure().equals(measure) && r.part().equals(part))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + measure + "/" + part + " in " + rows)).value();
    }

    @Test
    void relativeChangeIsNonZeroOnlyInThePerturbedLayer() throws IOException {
        List<DriftRow> rows = measure(perturbed, 2);
        for (String part : List.of("embed", "layer.0", "layer.1", "layer.3", "layer.4", "head")) {
            assertEquals(0.0, value(rows, DriftRow.RELATIVE_CHANGE, part), 0.0, part);
        }
        double layer2 = value(rows, DriftRow.RELATIVE_CHANGE, "layer.2");
        assertEquals(expectedLayer2Change, layer2, 1e-9 * expectedLayer2Change,
                "layer.2: ‖noise‖/‖W‖ computed in Java from the same tensors");
        double all = value(rows, DriftRow.RELATIVE_CHANGE, DriftRow.ALL);
        assertTrue(all > 0 && all < layer2, () -> "all-weights change " + all + " must be in (0, layer.2 = " + layer2 + ")");
        DriftRow first = rows.get(0);
        assertEquals(List.of("stories260k", Method.FT, "summary/xsum", 100, 0, 3L),
                List.of(first.baseModel(), first.method(), first.trainDataset(), first.trainSize(), first.trainShots(), first.seed()));
    }

    @Test
    void klOfAModelWithItselfIsZero() throws IOException {
        List<DriftRow> rows = measure(TestResources.stories260k(), 2);
        assertEquals(0.0, value(rows, DriftRow.KL, DriftRow.NEXT_TOKEN), 1e-6);
        assertEquals(0.0, value(rows, DriftRow.RELATIVE_CHANGE, DriftRow.ALL), 0.0);
        DriftRow kl = rows.stream().filter(r -> r.measure().equals(DriftRow.KL)).findFirst().orElseThrow();
        assertEquals(3 + 11 + 6 + 9 + 4, kl.n(), "every position of every prompt is averaged over");
    }

    @Test
    void klOfThePerturbedModelIsPositiveAndIndependentOfBatching() throws IOException {
        double batched = value(measure(perturbed, 3), DriftRow.KL, DriftRow.NEXT_TOKEN);
        double single = value(measure(perturbed, 1), DriftRow.KL, DriftRow.NEXT_TOKEN);
        assertTrue(batched > 1e-6, () -> "KL(base ‖ perturbed) = " + batched);
        // right padding must not leak into real positions: one prompt per batch gives the same mean,
        // up to float32 rounding of differently shaped matmuls (observed ~1.5e-6 relative)
        assertEquals(single, batched, 1e-5 * single);
    }

    @Test
    void textPromptsAreEncodedWithBosAndCut() {
        try (Tokenizer tok = Tokenizer.mistral32k()) {
            List<long[]> ids = DriftMeter.promptIds(tok, List.of("Once upon a time there was a little dog", "Hi"), 4);
            assertEquals(4, ids.get(0).length);
            assertEquals(tok.bosId(), ids.get(0)[0]);
            assertEquals(List.of(tok.bosId()), List.of(ids.get(1)[0]));
            assertTrue(ids.get(1).length >= 2 && ids.get(1).length <= 4);
        }
    }

    @Test
    void partNamesFollowCheckpointNames() {
        assertEquals("layer.12", DriftMeter.partOf("model.layers.12.self_attn.q_proj.weight"));
        assertEquals("embed", DriftMeter.partOf("model.embed_tokens.weight"));
        assertEquals("head", DriftMeter.partOf("model.norm.weight"));
        assertEquals("head", DriftMeter.partOf("lm_head.weight"));
    }
}
