package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.model.llama.LlamaConfig;
import org.crossgen.model.llama.LlamaModel;
import org.crossgen.study.ResultStore;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.DType;
import org.crossgen.testing.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code study submit --dry-run} and {@code study run-cell} through the command line, with a tiny real model. */
class StudyScaleOutCommandsTest {
    @TempDir Path tmp;

    private Path spec() throws Exception {
        Path model = tmp.resolve("tiny");
        try (LlamaModel m = LlamaModel.random(LlamaConfig.of(32000, 32, 1, 2, 1, 64, true), 3, DType.FLOAT32, ComputeDevice.CPU)) {
            m.save(model);
        }
        Files.copy(TestResources.path("tokenizers/mistral-32k/tokenizer.json"), model.resolve("tokenizer.json"));
        Files.copy(TestResources.path("tokenizers/mistral-32k/tokenizer_config.json"), model.resolve("tokenizer_config.json"));
        Path f = tmp.resolve("mini.yaml");
        Files.writeString(f, """
                # crossgen study submit mini.yaml --slurm
                models: [tiny]
                methods: [base]
                eval_sets: [sentiment/yelp, sentiment/sst2, detection/qqp]
                templates: [0]
                limits: {eval_records: 2, max_length: 256}
                """);
        return f;
    }

    @Test
    void dryRunPrintsTheEvaluationArrayAndWritesNothing() throws Exception {
        Path spec = spec(), dir = tmp.resolve("runs/mini");
        CliRun run = CliRun.of("study", "submit", spec.toString(), "--slurm", "--dir", dir.toString(), "--max-parallel", "2",
                "--partition", "gpu", "--gpus-per-task", "1", "--device", "cuda", "--dry-run");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("evaluation cells left 3/3"), run.out());
        assertTrue(run.out().contains("--- " + dir.resolve("slurm/s001-eval.sbatch") + " (3 evaluation cell(s)) ---"), run.out());
        assertTrue(run.out().contains("#SBATCH --array=0-2%2\n"), run.out());
        assertTrue(run.out().contains("#SBATCH --gpus-per-task=1\n"), run.out());
        assertTrue(run.out().contains("export CROSSGEN_CUDA=1\n"), run.out());
        assertTrue(run.out().contains("/crossgen study run-cell " + spec + " --out " + dir + " --phase eval"), run.out());
        assertFalse(run.out().contains("dependency"), "no training, no dependency:\n" + run.out());
        assertFalse(Files.exists(dir), "a dry run created the study folder");
    }

    @Test
    void submitNeedsTheSlurmFlag() throws Exception {
        CliRun run = CliRun.of("study", "submit", spec().toString(), "--dry-run");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Missing required option: '--slurm'"), run.err());
    }

    /** The index selects a line of the keys file (here: the plan's cells in reverse), not the plan's order. */
    @Test
    void runCellIndexesTheKeysFileAndSkipsDoneCells() throws Exception {
        Path spec = spec(), dir = tmp.resolve("runs/mini");
        CliRun plan = CliRun.of("study", "plan", spec.toString(), "--dir", dir.toString());
        List<String> keys = plan.out().lines().filter(l -> l.contains("base tiny -> ")).map(l -> l.trim().split("\\s+")[1]).toList();
        assertEquals(3, keys.size(), plan.out());

        CliRun first = CliRun.of("study", "run-cell", spec.toString(), "--dir", dir.toString(), "--phase", "eval", "--index", "0");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("computed: base tiny -> sentiment/yelp t0 k0"), first.out());

        Path keysFile = tmp.resolve("reversed.keys");
        try (ResultStore s = ResultStore.open(dir)) {
            List<String> full = s.workRows(ResultStore.Table.CELLS).stream().map(ResultStore.WorkRow::key).toList();
            assertTrue(full.get(0).startsWith(keys.get(0)));
            List<String> reversed = new java.util.ArrayList<>(full);
            java.util.Collections.reverse(reversed);
            Files.writeString(keysFile, String.join("\n", reversed) + "\n");
        }
        CliRun last = CliRun.of("study", "run-cell", spec.toString(), "--dir", dir.toString(), "--phase", "eval", "--index", "0",
                "--keys", keysFile.toString());
        assertEquals(0, last.exitCode(), last.err());
        assertTrue(last.out().contains("computed: base tiny -> detection/qqp t0 k0"), last.out());

        CliRun again = CliRun.of("study", "run-cell", spec.toString(), "--dir", dir.toString(), "--phase", "eval", "--index", "2",
                "--keys", keysFile.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("already done: base tiny -> sentiment/yelp t0 k0: already done (by worker "), again.out());

        CliRun out = CliRun.of("study", "run-cell", spec.toString(), "--dir", dir.toString(), "--phase", "eval", "--index", "3",
                "--keys", keysFile.toString());
        assertEquals(1, out.exitCode());
        assertEquals("error: index 3 is out of range: " + keysFile + " lists 3 (0..2)\n", out.err());

        CliRun phase = CliRun.of("study", "run-cell", spec.toString(), "--dir", dir.toString(), "--phase", "test", "--index", "0");
        assertEquals(2, phase.exitCode(), "a usage error");
        assertEquals("Invalid value for option '--phase': unknown phase 'test'; known: [train, eval]", phase.err().lines().findFirst().orElseThrow());

        CliRun status = CliRun.of("study", "status", dir.toString());
        assertTrue(status.out().contains("evaluation: done 2, running 0, failed 0, left 1 (of 3)"), status.out());
        assertTrue(status.out().contains("by host:\n  "), status.out());
    }
}
