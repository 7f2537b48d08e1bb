package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.crossgen.model.CheckpointFiles;
import org.crossgen.model.llama.LoraAdapter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL after its first checkpoint and then resumed ends with weights
 * bit-identical to an uninterrupted run (CPU, fixed seed, same thread count). Each run is a
 * child JVM on this test's classpath.
 */
class KillResumeTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"full", "lora"})
    void killedAndResumedRunEndsBitIdentical(String mode) throws Exception {
        Path straight = tmp.resolve("straight"), killed = tmp.resolve("killed");
        assertEquals(0, run(straight, "fresh", mode, 0, tmp.resolve("straight.log")));

        Process p = start(killed, "fresh", mode, 300, tmp.resolve("killed.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Checkpoint.list(killed.resolve("checkpoints")).isEmpty()) {
            assertTrue(p.isAlive(), "child exited before its first checkpoint:\n" + Files.readString(tmp.resolve("killed.log")));
            assertTrue(System.nanoTime() < deadline, "no checkpoint within 60 s");
            Thread.sleep(20);
        }
        p.destroyForcibly();   // SIGKILL: no shutdown hooks, no flushing
        p.waitFor();
        assertFalse(Files.exists(killed.resolve("final")), "the run finished before it was killed; nothing tested");
        long resumedAt = Checkpoint.step(Checkpoint.latest(killed.resolve("checkpoints")).orElseThrow());

        assertEquals(0, run(killed, "resume", mode, 0, tmp.resolve("resumed.log")));
        String file = mode.equals("lora") ? LoraAdapter.WEIGHTS_FILE : CheckpointFiles.SINGLE;
        Path a = straight.resolve("final").resolve(file), b = killed.resolve("final").resolve(file);
        assertEquals(-1L, Files.mismatch(a, b), mode + ": final weights differ after kill at/after step " + resumedAt + " and resume");
        List<String> metrics = Files.readAllLines(killed.resolve("metrics.jsonl"));
        assertEquals(18, metrics.size(), "metrics.jsonl keeps one line per step across the resume");
        assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")).stream().map(KillResumeTest::loss).toList(),
                metrics.stream().map(KillResumeTest::loss).toList(), "per-step losses");
        System.out.printf("%s: killed after checkpoint step %d, resumed, final %s identical%n", mode, resumedAt, file);
    }

    private static String loss(String jsonLine) {
        return jsonLine.replaceAll(".*\"loss\":([^,]*),.*", "$1");
    }

    private static int run(Path out, String how, String mode, long sleepMs, Path log) throws Exception {
        Process p = start(out, how, mode, sleepMs, log);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish in 120 s");
        if (p.exitValue() != 0) throw new AssertionError("child " + how + " exited " + p.exitValue() + ":\n" + Files.readString(log));
        return p.exitValue();
    }

    private static Process start(Path out, String how, String mode, long sleepMs, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ResumeChild.class.getName(), out.toString(), how, mode, Long.toString(sleepMs));
        pb.environment().put("CROSSGEN_THREADS", "2");   // same intra-op threads in every run: same reduction order
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }
}
