package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One vocabulary across commands (docs/cli.md): typed values, old spellings as hidden aliases, no ignored options. */
class CliVocabularyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_ONLY = "examples/llama-2-7b-config";

    /** {@code train --dry-run --json} on a config alone: the parsed configuration, without training. */
    private static JsonNode plan(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--dry-run", "--json", "--model", CONFIG_ONLY, "--gpu-memory", "1000GB"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void aBadValueIsAUsageErrorNamingTheOptionAndTheAllowedValues() {
        String[][] cases = {
                {"--lora", "r=eight", "Invalid value for option '--lora': \"r=eight\": r must be a whole number"},
                {"--lora", "rank=8", "Invalid value for option '--lora': unknown keys [rank]; known: [r, alpha, dropout, targets]"},
                {"--precision", "fp8", "Invalid value for option '--precision': fp8: unknown precision; expected fp32|float32, "
                        + "bf16-autocast|amp-bf16, bf16|bfloat16"}, // fp16: TrainCommandTest
                {"--schedule", "cos", "Invalid value for option '--schedule': unknown lr schedule \"cos\"; known: [linear, cosine, constant]"},
                {"--zero", "3", "Invalid value for option '--zero': 3: expected 0|none, 1|optimizer or 2|gradients"},
                {"--method", "FT", "Invalid value for option '--method': unknown method \"FT\"; known: [base, ft, fticl]"},
                {"--sampler", "papr", "Invalid value for option '--sampler': unknown sampler \"papr\"; known: paper, first, random"},
                {"--dtype", "float8", "Invalid value for option '--dtype': unknown dtype \"float8\""},
                {"--device", "gpu", "Invalid value for option '--device': unknown device \"gpu\"; use cpu, cuda or cuda:N"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.of("train", c[0], c[1], "--dry-run", "--model", CONFIG_ONLY);
            assertEquals(2, r.exitCode(), () -> c[0] + " " + c[1] + ": " + r.err());
            assertTrue(r.err().startsWith(c[2]), () -> c[0] + " " + c[1] + " said: " + r.err());
        }
        CliRun split = CliRun.of("data", "show", "sentiment/yelp", "--split", "dev");
        assertEquals(2, split.exitCode());
        assertTrue(split.err().startsWith("Invalid value for option '--split': unknown split \"dev\""), split.err());
    }

    /** train's --dtype is the spec's spelling of --precision; convert offers no --dtype or --device it would ignore. */
    @Test
    void everyOptionWorksOrIsGone() throws Exception {
        assertEquals("bf16", plan("--dtype", "bfloat16").get("precision").asText());
        assertEquals("fp32", plan("--dtype", "float32").get("precision").asText());
        assertEquals("bf16-autocast", plan("--precision", "bf16-autocast").get("precision").asText());
        CliRun both = CliRun.of("train", "--dry-run", "--model", CONFIG_ONLY, "--dtype", "bfloat16", "--precision", "fp32");
        assertEquals(1, both.exitCode());
        assertEquals("error: give --precision or --dtype, not both\n", both.err());
        for (String option : List.of("--dtype", "--device")) {
            CliRun r = CliRun.of("convert", "--to", "bf16", "--out", "/nonexistent/x", option, "cpu");
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().startsWith("Unknown option") && r.err().lines().findFirst().orElseThrow().contains("'" + option + "'"), r.err());
        }
        CliRun warmups = CliRun.of("train", "--dataset", "sentiment/amazon", "--out", "/nonexistent/x", "--warmup-ratio", "0.1",
                "--warmup-steps", "5");
        assertEquals(1, warmups.exitCode());
        assertEquals("error: give --warmup-ratio or --warmup-steps, not both\n", warmups.err());
    }

    @Test
    void oldSpellingsStillWorkButAreHiddenFromHelp() throws Exception {
        assertEquals(2, plan("--micro-batch", "2").get("micro_batch").asInt());
        assertEquals(2, plan("--micro-batch-size", "2").get("micro_batch").asInt());
        String train = CliRun.of("train", "--help").out();
        assertTrue(train.contains("--micro-batch-size=<micro>"), train);
        assertFalse(train.contains("--micro-batch=") || train.contains("--micro-batch "), train);
        String plan = CliRun.of("study", "plan", "--help").out();
        assertTrue(plan.contains("--out=DIR") && !plan.contains("--dir"), plan);
        String export = CliRun.of("study", "export", "--help").out();
        assertTrue(export.contains("--json-file=FILE") && !export.contains("--json=") && !export.contains("--csv="), export);
    }

    /** prompt's defaults are eval's: the paper sampler, and seed 1234 for the random one. */
    @Test
    void promptDefaultsMatchEval() {
        String[] base = {"prompt", "--dataset", "summary/cnn", "--shots", "3", "--index", "340"};
        CliRun byDefault = CliRun.of(base);
        assertEquals(0, byDefault.exitCode(), byDefault.err());
        List<String> paper = new ArrayList<>(List.of(base));
        paper.addAll(List.of("--sampler", "paper"));
        assertEquals(CliRun.of(paper.toArray(String[]::new)).out(), byDefault.out());
        List<String> random = new ArrayList<>(List.of(base));
        random.addAll(List.of("--sampler", "random"));
        List<String> seeded = new ArrayList<>(random);
        seeded.addAll(List.of("--seed", "1234"));
        assertEquals(CliRun.of(seeded.toArray(String[]::new)).out(), CliRun.of(random.toArray(String[]::new)).out());
    }
}
