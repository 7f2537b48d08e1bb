package org.crossgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.tensor.ComputeDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole {@code bench engine} run on a tiny shape, its PyTorch reference played by a script that
 * answers as {@code ref_llama.py} would: the report's keys, and the reference paired with crossgen
 * round by round.
 */
class EngineBenchRunTest {
    private static final EngineBench.Workload TINY = new EngineBench.Workload(LlamaConfig.of(300, 64, 2, 4, 4, 128, true),
            2, 16, 4, 4, 2, 64, 1 << 20);

    @TempDir
    Path tmp;

    /** A "python" that imports torch 9.9 and measures {@code tokensPerS}, or fails the measurement. */
    private Path fakePython(String measure) throws Exception {
        Path py = tmp.resolve("fakepython");
        Files.writeString(py, "#!/bin/sh\nif [ \"$1\" = \"-c\" ]; then echo 9.9; exit 0; fi\n" + measure + "\n");
        Files.setPosixFilePermissions(py, PosixFilePermissions.fromString("rwxr-xr-x"));
        return py;
    }

    private static Map<String, Object> run(List<String> pythons, StringWriter log) {
        return new EngineBench(TINY, ComputeDevice.CPU, 2, pythons, new PrintWriter(log, true)).run();
    }

    /** The reference answers 400 tokens/s in the first round and 800 in the second: each round's ratio uses its own. */
    @Test
    void theReferenceRunsInEveryRoundAndTheRatioIsPairedPerRound() throws Exception {
        Path count = tmp.resolve("calls");
        Path py = fakePython("n=$(cat " + count + " 2>/dev/null || echo 0); n=$((n + 1)); echo $n > " + count + "\n"
                + "echo \"RESULT python $2 batch=$BATCH seq=$SEQ steps=$STEPS fwd_bwd_tokens_per_s=$((n * 400)).0\"");
        StringWriter log = new StringWriter();
        Map<String, Object> r = run(List.of(py.toString()), log);
        assertEquals(py + ", torch 9.9", r.get("pytorch"));
        assertEquals(600.0, (double) r.get("pytorch_bf16_train_tokens_per_s"), 1e-9, "the median of 400 and 800");
        Matcher round = Pattern.compile("round (\\d)/2: .*bf16_train_tokens_per_s ([0-9.]+), pytorch_bf16_train_tokens_per_s ([0-9.]+)")
                .matcher(log.toString());
        double[] paired = new double[2];
        for (int i = 0; i < 2; i++) {
            assertTrue(round.find(), log::toString);
            assertEquals(400.0 * (i + 1), Double.parseDouble(round.group(3)), 1e-9);
            paired[i] = Double.parseDouble(round.group(2)) / Double.parseDouble(round.group(3));
        }
        // the log prints one decimal: the paired median to that precision, far from an unpaired median / 600
        assertEquals((paired[0] + paired[1]) / 2, (double) r.get("bf16_vs_pytorch"), 1e-3);
        assertTrue(log.toString().contains("paired per round"), log::toString);
        for (String key : List.of("fp32_train_tokens_per_s", "decode_b1_tokens_per_s", "decode_b1_bf16_tokens_per_s",
                "decode_b16_tokens_per_s", "fp32_matmul_gflops", "bf16_matmul_gflops", "read_bandwidth_gb_s")) {
            assertTrue((double) r.get(key) > 0, key);
        }
    }

    @Test
    void aFailingReferenceIsSaidAndTheRestOfTheBenchRuns() throws Exception {
        Path py = fakePython("echo 'no model for you' >&2; exit 3");
        Map<String, Object> r = run(List.of(py.toString()), new StringWriter());
        assertTrue(String.valueOf(r.get("pytorch")).startsWith("not run: " + py + " ref_llama.py bf16"), String.valueOf(r.get("pytorch")));
        assertFalse(r.containsKey("bf16_vs_pytorch"));
        assertFalse(r.containsKey("pytorch_bf16_train_tokens_per_s"));
        assertTrue((double) r.get("bf16_train_tokens_per_s") > 0);
    }
}
