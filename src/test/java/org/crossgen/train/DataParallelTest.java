package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.crossgen.dist.LocalLauncher;
import org.crossgen.dist.RankLauncher;
import org.crossgen.model.CheckpointFiles;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.model.llama.LoraAdapter;
import org.crossgen.tensor.Torch;
import org.crossgen.testing.WeightFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data parallelism over libtorch's Gloo process group, two ranks on loopback started by
 * {@link LocalLauncher} ({@link RankChild}): after 3 optimizer steps of the same effective batch,
 * two ranks give the weights one rank gives, for full fine-tuning and LoRA (with dropout); ZeRO-1
 * and ZeRO-2 give the weights of plain data parallelism; a 2-rank ZeRO-2 run stopped after a
 * checkpoint and resumed on 2 ranks ends where an uninterrupted one does, and resumed on 1 rank
 * (the optimizer shards resharded) too.
 *
 * <p>With micro-batch 4 and effective batch 8, one rank accumulates two micro-batches
 * ({@code 0 + g0 + g1}) and two ranks all-reduce one each ({@code g0 + g1}): the same additions,
 * so the weights may agree exactly; the tolerance is 1e-6 of each tensor's largest element.
 */
class DataParallelTest {
    @TempDir Path tmp;

    @Test
    void twoRanksEqualOneRankShardedEqualsPlainAndResumeIsExact() throws Exception {
        Path ranks = tmp.resolve("ranks");
        // the last run stops both ranks (exit 3) after its step-1 checkpoint
        RankLauncher.Outcome stopped = launch(ranks, 3, "full0:full:0", "full1:full:1", "full2:full:2", "lora0:lora:0", "lora2:lora:2",
                "resumed:full:2:stopAt=1");
        assertTrue(stopped.message().startsWith("rank "), stopped.message());
        Map<String, float[]> full = oneRank("full", tmp.resolve("one-full")), lora = oneRank("lora", tmp.resolve("one-lora"));
        assertClose("full, 2 ranks vs 1", full, weights(ranks.resolve("full0"), "full"));
        assertClose("full, ZeRO-1 vs plain data parallel", weights(ranks.resolve("full0"), "full"), weights(ranks.resolve("full1"), "full"));
        assertClose("full, ZeRO-2 vs plain data parallel", weights(ranks.resolve("full0"), "full"), weights(ranks.resolve("full2"), "full"));
        assertClose("LoRA, 2 ranks vs 1", lora, weights(ranks.resolve("lora0"), "lora"));
        assertClose("LoRA, ZeRO-2 vs plain data parallel", weights(ranks.resolve("lora0"), "lora"), weights(ranks.resolve("lora2"), "lora"));
        assertEquals(List.of("optimizer-00000-of-00002.safetensors", "optimizer-00001-of-00002.safetensors"),
                optimizerFiles(ranks.resolve("full2/checkpoints/step-00000003")));
        assertEquals(List.of("optimizer.safetensors"), optimizerFiles(ranks.resolve("full0/checkpoints/step-00000003")));

        Path first = ranks.resolve("resumed/checkpoints/step-00000001");
        assertEquals(List.of(first), Checkpoint.list(ranks.resolve("resumed/checkpoints")), "the stopped run leaves its step-1 checkpoint only");
        Path one = tmp.resolve("one/checkpoints/step-00000001");
        Files.createDirectories(one);
        try (var files = Files.list(first)) {
            for (Path f : files.toList()) Files.copy(f, one.resolve(f.getFileName()));
        }
        launch(ranks, 0, "resumed:full:2:resume");
        String file = CheckpointFiles.SINGLE;
        assertEquals(-1L, Files.mismatch(ranks.resolve("full2/final/" + file), ranks.resolve("resumed/final/" + file)),
                "ZeRO-2 on 2 ranks stopped after step 1 and resumed on 2 ranks: final weights differ from the uninterrupted run");

        int threads = org.bytedeco.pytorch.global.torch.get_num_threads();
        Torch.threads(1);   // as the ranks
        try (LlamaModel model = TinyTask.model(5);
             SftRun run = new SftRun(model, RankChild.examples(), RankChild.config("full", Sharding.NONE), tmp.resolve("one"))) {
            run.resume();
            assertEquals(1, run.step());
            run.train();
        } finally {
            Torch.threads(threads);
        }
        assertClose("ZeRO-2 checkpoint of 2 ranks resumed on 1 rank vs uninterrupted 2 ranks",
                weights(ranks.resolve("full2"), "full"), weights(tmp.resolve("one"), "full"));
    }

    /** Runs {@link RankChild} as 2 ranks; expects {@code exitCode}. */
    private static RankLauncher.Outcome launch(Path out, int exitCode, String... runs) throws Exception {
        StringWriter log = new StringWriter();
        PrintWriter w = new PrintWriter(log, true);
        List<String> args = new java.util.ArrayList<>(List.of(out.toString()));
        args.addAll(List.of(runs));
        RankLauncher.Outcome o = new LocalLauncher(2, w, w).run(RankChild.class.getName(), args,
                Map.of("CROSSGEN_THREADS", "1", "OPENBLAS_NUM_THREADS", "1"));
        assertEquals(exitCode, o.exitCode(), o.message() + "\n" + log);
        System.out.print(log);
        return o;
    }

    /** The same job as {@link RankChild} on one rank, one intra-op thread like each rank. */
    private static Map<String, float[]> oneRank(String mode, Path out) throws IOException {
        int threads = org.bytedeco.pytorch.global.torch.get_num_threads();
        Torch.threads(1);
        try (LlamaModel model = TinyTask.model(5); SftRun run = new SftRun(model, RankChild.examples(), RankChild.config(mode, Sharding.NONE), out)) {
            run.setUp();
            run.train();
            if (run.adapter() != null) run.adapter().close();
        } finally {
            Torch.threads(threads);
        }
        return weights(out, mode);
    }

    /** The final weights of a run folder (the model, or the LoRA adapter), by name. */
    static Map<String, float[]> weights(Path run, String mode) throws IOException {
        return WeightFiles.read(run.resolve("final").resolve(mode.equals("lora") ? LoraAdapter.WEIGHTS_FILE : CheckpointFiles.SINGLE));
    }

    /** Each tensor within 1e-6 of its own largest element. */
    static void assertClose(String what, Map<String, float[]> want, Map<String, float[]> got) {
        WeightFiles.assertClose(what, want, got, 1e-6);
    }

    private static List<String> optimizerFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("optimizer")).sorted().toList();
        }
    }
}
