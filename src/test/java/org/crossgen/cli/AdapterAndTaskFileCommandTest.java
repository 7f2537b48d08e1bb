package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.crossgen.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --adapter} (attached or merged: the same numbers) on score, generate and eval; {@code --task-file} on eval, rescore and train. */
class AdapterAndTaskFileCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "examples/topic/topic.yaml";
    @TempDir Path tmp;

    private Path adapter(Path base) throws Exception {
        return TinyModels.adapter(base, tmp.resolve("adapter"), 3);
    }

    private static double[] logprobs(CliRun r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        JsonNode scores = JSON.readTree(r.out()).get("scores");
        double[] out = new double[scores.size()];
        for (int i = 0; i < out.length; i++) out[i] = scores.get(i).get("logprob").asDouble();
        return out;
    }

    @Test
    void anAdapterAttachedOrMergedScoresAndGeneratesTheSame() throws Exception {
        Path base = TinyModels.withTokenizer(tmp.resolve("base"), 7);
        Path adapter = adapter(base);
        String[] score = {"score", "--model", base.toString(), "--context", "The film was", "--continuation", " good", " bad", " dull", "--json"};
        double[] plain = logprobs(CliRun.of(score));
        double[] attached = logprobs(CliRun.of(concat(score, "--adapter", adapter.toString())));
        double[] merged = logprobs(CliRun.of(concat(score, "--adapter", adapter.toString(), "--merge-adapter")));
        double moved = 0, apart = 0;
        for (int i = 0; i < plain.length; i++) {
            moved = Math.max(moved, Math.abs(attached[i] - plain[i]));
            apart = Math.max(apart, Math.abs(attached[i] - merged[i]));
        }
        System.out.printf("adapter moves logprobs by up to %.3e; attached vs merged max diff %.3e%n", moved, apart);
        assertTrue(moved > 1e-2, "the adapter changes the scores, max |dlogprob| " + moved);
        // fp32: the merged weight is rounded once, the attached path adds B A x separately
        assertTrue(apart <= 1e-4, "attached vs merged, tolerance 1e-4: max |dlogprob| " + apart);

        // without --model, the adapter's base_model_name_or_path is the model
        String[] gen = {"generate", "--adapter", adapter.toString(), "--prompt", "Once upon a time", "--max-new-tokens", "12"};
        CliRun a = CliRun.of(gen), m = CliRun.of(concat(gen, "--merge-adapter"));
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(a.out(), m.out());
        CliRun noAdapter = CliRun.of("generate", "--model", base.toString(), "--merge-adapter", "--prompt", "x");
        assertEquals("error: --merge-adapter needs --adapter DIR", noAdapter.err().strip());
    }

    @Test
    void aUserTaskEvaluatesRescoresAndTrainsWithTaskFile() throws Exception {
        Path base = TinyModels.withTokenizer(tmp.resolve("base"), 7);
        Path adapter = adapter(base);
        Path out = tmp.resolve("eval");
        CliRun eval = CliRun.of("eval", "--task-file", TOPIC, "--model", base.toString(), "--adapter", adapter.toString(),
                "--dataset", "topic/news", "--shots", "1", "--limit", "4", "--out", out.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(base + "+" + adapter, summary.get("model").asText(), summary.toString());
        CliRun rescore = CliRun.of("eval", "--rescore", out.toString(), "--task-file", TOPIC);
        assertEquals(0, rescore.exitCode(), rescore.err());
        assertEquals(JSON.readTree(eval.out()), JSON.readTree(rescore.out()));
        CliRun withoutTask = CliRun.of("eval", "--rescore", out.toString());
        assertEquals(1, withoutTask.exitCode());
        assertTrue(withoutTask.err().contains("topic"), withoutTask.err());

        CliRun train = CliRun.of("train", "--task-file", TOPIC, "--model", base.toString(), "--dataset", "topic/news", "--size", "8",
                "--epochs", "1", "--batch-size", "4", "--max-length", "128", "--lora", "r=2", "--out", tmp.resolve("t").toString());
        assertEquals(0, train.exitCode(), train.err());
    }

    /** Evaluating a second model writes beside the first, never over it. */
    @Test
    void evalsDefaultFolderNamesTheModel() {
        assertEquals("default", label(null));
        assertEquals("meta-llama__Llama-2-7b-hf", label("meta-llama/Llama-2-7b-hf@main"));
        assertEquals("org__name@v2", label("org/name@v2"));
        assertEquals("runs__ft__final", label("runs/ft/final"));
        assertEquals("__data__models__llama", label("/data/models/llama"));
        assertEquals("model", label(".."));
        assertNotEquals(label("runs/a/final"), label("runs/b/final"));
    }

    private static String label(String model) {
        ModelOptions o = new ModelOptions();
        o.model = model;
        return o.label();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
