package org.crossgen.hostile;

import static org.crossgen.hostile.Hostile.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.crossgen.eval.EvalResult;
import org.crossgen.eval.EvalSpec;
import org.crossgen.eval.RecordResult;
import org.crossgen.infer.GreedyGenerator;
import org.crossgen.infer.StopCondition;
import org.crossgen.infer.TokenScorer;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.NativeScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults at run time: NaN logits, generation past the model's positions, an evaluation that fails mid-write. */
class HostileFaultsTest {
    @TempDir Path tmp;

    @Test
    void nanLogitsFailInsteadOfExitingZero() {
        String want = "the model produced NaN logits: its weights or config.json are broken, or the compute dtype overflowed "
                + "(try --dtype float32)";
        try (LlamaModel m = LlamaModel.random(Hostile.SMALL, 1, DType.FLOAT32, ComputeDevice.CPU)) {
            try (NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
                m.namedWeights().get("model.layers.0.mlp.down_proj.weight").fill_(new Scalar(Double.NaN));
            }
            List<long[]> prompt = List.of(new long[] {1, 5, 9});
            assertEquals(want, refused(IllegalStateException.class,
                    () -> new GreedyGenerator(m, Set.of(), 0).generate(prompt, 4, StopCondition.NEVER)).getMessage());
            TokenScorer scorer = new TokenScorer(m, 0);
            assertEquals(want, refused(IllegalStateException.class,
                    () -> scorer.logLikelihood(prompt, List.of(new long[] {3}))).getMessage());
            assertEquals(want, refused(IllegalStateException.class,
                    () -> scorer.nextTokenLogits(prompt, new long[] {3, 4})).getMessage());
        }
    }

    @Test
    void nanLogitsInABatchOneDecodeStepFailToo() {
        // the prefill is finite; the weights turn NaN after the first token, so the NaN shows in a decode step, which
        // batch-1 greedy decoding takes in Java (LlamaModel.rowDecoderLogits) with no logits tensor
        try (LlamaModel m = LlamaModel.random(Hostile.SMALL, 1, DType.FLOAT32, ComputeDevice.CPU)) {
            GreedyGenerator g = new GreedyGenerator(m, Set.of(), 0).onStep(step -> {
                try (NativeScope s = NativeScope.open(); NoGradGuard ng = new NoGradGuard()) {
                    m.namedWeights().get("model.layers.0.mlp.down_proj.weight").fill_(new Scalar(Double.NaN));
                }
            });
            assertTrue(refused(IllegalStateException.class, () -> g.generate(List.of(new long[] {1, 5, 9}), 4, StopCondition.NEVER))
                    .getMessage().startsWith("the model produced NaN logits"));
        }
    }

    @Test
    void generationStopsAtMaxPositionEmbeddingsWithANote() {
        LlamaConfig sixteen = LlamaConfig.fromJson(Hostile.SMALL.toJson(DType.FLOAT32).put("max_position_embeddings", 16));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<long[]> out;
        try (LlamaModel m = LlamaModel.random(sixteen, 1, DType.FLOAT32, ComputeDevice.CPU)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            out = assertTimeoutPreemptively(Hostile.BOUND, () -> new GreedyGenerator(m, Set.of(), 0)
                    .generate(List.of(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 2000, StopCondition.NEVER));
        } finally {
            System.setErr(err);
        }
        assertEquals(6, out.get(0).length, "10 prompt tokens + 6 new = max_position_embeddings 16");
        assertEquals("[WARN] generating at most 6 new tokens, not 2000: the model's max_position_embeddings is 16 and the "
                + "longest prompt has 10 tokens", captured.toString(StandardCharsets.UTF_8).strip());
    }

    private static EvalResult result(Object summaryValue) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("dataset", "sentiment/yelp");
        summary.put("metrics", Map.of("accuracy", summaryValue));
        RecordResult r = new RecordResult(0, "sha", 12, false, "positive", "positive", Map.of());
        return new EvalResult(EvalSpec.paper("sentiment/yelp", 0, 0), summary, List.of(r));
    }

    @Test
    void anEvaluationStoppedMidWriteLeavesBothFilesOrNeither() throws IOException {
        Path dir = tmp.resolve("eval");
        // a summary that cannot be written (Jackson has no serializer for a bare Object): nothing appears
        refused(IOException.class, () -> result(new Object()).write(dir));
        assertEquals(List.of(), list(dir));
        // a complete pair, then a failing rewrite: the old pair stays whole
        result(0.5).write(dir);
        assertEquals(List.of(EvalResult.RECORDS, EvalResult.SUMMARY), list(dir));
        String before = Files.readString(dir.resolve(EvalResult.SUMMARY));
        refused(IOException.class, () -> result(new Object()).write(dir));
        assertEquals(List.of(EvalResult.RECORDS, EvalResult.SUMMARY), list(dir));
        assertEquals(before, Files.readString(dir.resolve(EvalResult.SUMMARY)));
        // a staging folder left by a killed write is cleared by the next one
        Files.createDirectories(dir.resolve(".eval-123"));
        result(0.75).write(dir);
        assertEquals(List.of(EvalResult.RECORDS, EvalResult.SUMMARY), list(dir));
        assertTrue(Files.readString(dir.resolve(EvalResult.SUMMARY)).contains("0.75"));
        assertFalse(Files.exists(dir.resolve(".eval-123")));
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
