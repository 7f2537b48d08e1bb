package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.crossgen.testing.TinyModels;
import org.crossgen.testing.WeightFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crossgen train}: the memory plan ({@code --dry-run}, and the refusal before loading),
 * precision errors, {@code --nproc N} ranks started like torchrun, a rank killed mid-run, and
 * the 2-rank/1-rank equivalence.
 */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    /** Llama-2-7B's config alone: bf16, ZeRO-2 on 8 ranks, checkpointing, micro-batch 4 x 1024 fits 40 GiB per rank. */
    @Test
    void dryRunPlansThePapersModelFromItsConfigAlone() throws Exception {
        CliRun r = CliRun.of("train", "--dry-run", "--json", "--model", "examples/llama-2-7b-config", "--precision", "bf16",
                "--activation-checkpointing", "--nproc", "8", "--zero", "2", "--micro-batch", "4", "--max-length", "1024", "--gpu-memory", "40GB");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode plan = JSON.readTree(r.out());
        assertEquals(6_738_415_616L, plan.get("parameters").asLong());
        assertEquals(8, plan.get("world_size").asInt());
        assertEquals(2L * 6_738_415_616L, plan.at("/bytes_per_rank/weights").asLong());
        assertEquals(6_738_415_616L / 8 * 4, plan.at("/bytes_per_rank/master_weights").asLong());
        assertEquals(40L << 30, plan.get("limit_bytes").asLong());
        assertTrue(plan.get("fits").asBoolean(), r.out());

        CliRun text = CliRun.of("train", "--dry-run", "--model", "examples/llama-2-7b-config", "--gpu-memory", "80GB");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("peak per rank              142.69 GiB  of 80.00 GiB (--gpu-memory): does NOT fit"), text.out());
        assertTrue(text.out().contains("options that would make it fit: --activation-checkpointing --precision bf16 --nproc 2 --zero 2"),
                text.out());
    }

    /** A plan over the limit stops the run before any weight is read: this folder has no weights at all. */
    @Test
    void aRunWhosePlanDoesNotFitStopsBeforeLoading() throws Exception {
        Path configOnly = tmp.resolve("config-only");
        Files.createDirectories(configOnly);
        Files.copy(Path.of("examples/llama-2-7b-config/config.json"), configOnly.resolve("config.json"));
        CliRun r = CliRun.of("train", "--model", configOnly.toString(), "--dataset", "sentiment/amazon", "--gpu-memory", "80GB",
                "--out", tmp.resolve("x").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("error: memory plan: 142.69 GiB per rank, more than the 80.00 GiB of --gpu-memory; stopped before loading "
                + configOnly + "."), r.err());
        assertTrue(r.err().contains("options that would make it fit: --activation-checkpointing --precision bf16 --nproc 2 --zero 2"), r.err());
        assertFalse(Files.exists(tmp.resolve("x")), "nothing is written");
    }

    @Test
    void precisionFp16IsRefusedWithTheAllowedSpellings() {
        CliRun r = CliRun.of("train", "--dry-run", "--model", "examples/llama-2-7b-config", "--precision", "fp16");
        assertEquals(2, r.exitCode(), "a usage error");
        assertEquals("Invalid value for option '--precision': fp16: fp16 training is not supported (it needs loss scaling; bf16 does not); "
                + "expected fp32|float32, bf16-autocast|amp-bf16, bf16|bfloat16", r.err().lines().findFirst().orElseThrow());
    }

    /**
     * kill -9 of rank 1 mid-run: rank 0's next collective fails at once (the dead rank's sockets
     * closed), rank 0 exits on its own with that error, the launcher reports both; then
     * {@code --resume} on 2 ranks finishes the run from the last checkpoint.
     */
    @Test
    void aKilledRankEndsTheJobWithAClearErrorAndTheJobResumes() throws Exception {
        Path base = TinyModels.withTokenizer(tmp.resolve("base"), 3), out = tmp.resolve("out");
        String[] args = {"train", "--model", base.toString(), "--dataset", "sentiment/amazon", "--limit", "32", "--batch-size", "8",
                "--micro-batch", "4", "--epochs", "2", "--max-length", "64", "--lr", "1e-3", "--checkpoint-every", "2", "--nproc", "2",
                "--out", out.toString()};
        CompletableFuture<CliRun> job = CompletableFuture.supplyAsync(() -> CliRun.of(args));
        Path checkpoint = out.resolve("checkpoints/step-00000002");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(checkpoint)) {
            assertFalse(job.isDone(), () -> "the job ended before its first checkpoint:\n" + job.join().err());
            assertTrue(System.nanoTime() < deadline, "no checkpoint within 120 s");
            Thread.sleep(20);
        }
        ProcessHandle rank1 = rank(1);
        rank1.destroyForcibly();   // SIGKILL
        CliRun r = job.get(120, TimeUnit.SECONDS);   // a hang fails here
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("error: training on 2 ranks failed: rank 1 (pid " + rank1.pid()
                + ") was killed by signal 9 (SIGKILL) first; rank 0 exited with code 1"), r.err());
        assertTrue(r.err().contains("failed: a peer rank died"), "rank 0 should say why it stopped:\n" + r.err());
        assertFalse(Files.exists(out.resolve("model.safetensors")), "the run finished before the kill; nothing tested");

        String[] resume = args.clone();
        resume[resume.length - 2] = "--resume";
        resume[resume.length - 1] = "--out=" + out;
        CliRun again = CliRun.of(resume);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("trained 8 steps on 2 ranks"), again.out());
        assertEquals(8, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "one metrics line per step across the kill");
        assertTrue(Files.exists(out.resolve("model.safetensors")));
    }

    /** The check: the built-in model trained on 2 ranks and on 1 rank, same effective batch. */
    @Test
    @Tag("slow")
    void twoRanksWriteTheWeightsOfOneRank() throws Exception {
        List<Path> outs = new ArrayList<>();
        for (String nproc : List.of("2", "1")) {
            Path out = tmp.resolve("nproc" + nproc);
            CliRun r = CliRun.of("train", "--dataset", "sentiment/amazon", "--method", "ft", "--limit", "64", "--batch-size", "16",
                    "--micro-batch", "4", "--epochs", "1", "--nproc", nproc, "--out", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            outs.add(out);
        }
        WeightFiles.assertClose("train --nproc 2 vs --nproc 1", WeightFiles.read(outs.get(1).resolve("model.safetensors")),
                WeightFiles.read(outs.get(0).resolve("model.safetensors")), 1e-5);
    }

    /** This JVM's child process whose environment says {@code RANK=rank}. */
    private static ProcessHandle rank(int rank) throws Exception {
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            Path environ = Path.of("/proc", Long.toString(p.pid()), "environ");
            if (Files.exists(environ) && List.of(new String(Files.readAllBytes(environ)).split("\0")).contains("RANK=" + rank)) return p;
        }
        throw new AssertionError("no child process with RANK=" + rank);
    }
}
