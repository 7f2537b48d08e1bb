package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.metrics.MetricsGolden;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code crossgen metrics} end to end through the real command line, output captured. */
class MetricsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ROUGE_KEYS = {"rouge1", "rouge2", "rougeL", "rougeLsum"};

    static JsonNode golden;
    @TempDir Path dir;

    @BeforeAll
    static void load() {
        golden = MetricsGolden.read();
    }

    /** The golden pairs as the JSONL the command reads. */
    private Path goldenPairsFile() throws IOException {
        List<String> lines = new ArrayList<>();
        for (JsonNode p : golden.get("pairs")) {
            ObjectNode o = JSON.createObjectNode();
            o.put("reference", p.get("reference").textValue());
            o.put("hypothesis", p.get("hypothesis").textValue());
            lines.add(JSON.writeValueAsString(o));
        }
        Path file = dir.resolve("golden_pairs.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void jsonSummaryOfGoldenPairsMatchesGoldenCorpus() throws IOException {
        Path pairs = goldenPairsFile();
        assertCorpusMatches(CliRun.of("metrics", "--pairs", pairs.toString(), "--json"), "rouge_mean_fmeasure");
        assertCorpusMatches(CliRun.of("metrics", "--pairs", pairs.toString(), "--stemmer", "--json"),
                "rouge_stemmed_mean_fmeasure");
    }

    private static void assertCorpusMatches(CliRun r, String rougeSection) throws IOException {
        assertEquals(0, r.exitCode(), () -> "exit code; stderr: " + r.err());
        JsonNode got = JSON.readTree(r.out());
        JsonNode want = golden.get("corpus");
        for (String key : ROUGE_KEYS) {
            assertEquals(want.get(rougeSection).get(key).asDouble(), got.get(key).asDouble(), 1e-9,
                    () -> key + " (mean F) vs golden corpus." + rougeSection);
        }
        assertEquals(want.get("bleu").asDouble(), got.get("bleu").asDouble(), 1e-6, "corpus BLEU vs golden");
        assertEquals(want.get("chrf").asDouble(), got.get("chrf").asDouble(), 1e-6, "corpus chrF vs golden");
        assertEquals(want.get("bleu_signature").textValue(), got.get("bleu_signature").textValue());
        assertEquals(golden.get("pairs").size(), got.get("n").asInt());
    }

    @Test
    void perRecordFileHoldsEachPairsRougeFAndSentenceBleu() throws IOException {
        Path out = dir.resolve("per_record.jsonl");
        CliRun r = CliRun.of("metrics", "--pairs", goldenPairsFile().toString(), "--per-record", out.toString(), "--json");
        assertEquals(0, r.exitCode(), r::err);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(golden.get("pairs").size(), lines.size(), "one line per pair");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode got = JSON.readTree(lines.get(i));
            JsonNode want = golden.get("pairs").get(i);
            int pair = i;
            assertEquals(i, got.get("index").asInt());
            for (String key : ROUGE_KEYS) {
                assertEquals(want.get("rouge").get(key).get("fmeasure").asDouble(), got.get(key).asDouble(), 1e-9,
                        () -> "pair " + pair + " " + key);
            }
            assertEquals(want.get("sentence_bleu").asDouble(), got.get("sentence_bleu").asDouble(), 1e-6,
                    () -> "pair " + pair + " sentence_bleu");
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temp file left behind");
        }
        Path ordinary = Files.writeString(dir.resolve("ordinary.txt"), "x"); // what the umask gives any new file
        assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(out), "not the owner-only 0600 of a temp file");
    }

    @Test
    void tableOutputWithoutJson() throws IOException {
        Path pairs = dir.resolve("one.jsonl");
        Files.writeString(pairs, "{\"reference\": \"the cat sat\", \"hypothesis\": \"the cat\"}\n");
        CliRun r = CliRun.of("metrics", "--pairs", pairs.toString());
        assertEquals(0, r.exitCode(), r::err);
        assertTrue(r.out().contains("rouge1       0.8000"), r.out());   // F = 4/5, see RougeScorerTest
        assertTrue(r.out().contains("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp"), r.out());
    }

    @Test
    void badLineFailsNamingFileLineAndFieldAndWritesNothing() throws IOException {
        Path pairs = dir.resolve("bad.jsonl");
        Files.writeString(pairs, "{\"reference\": \"a\", \"hypothesis\": \"b\"}\n{\"reference\": \"a\", \"hypothesis\": 3}\n");
        Path out = dir.resolve("per_record.jsonl");
        CliRun r = CliRun.of("metrics", "--pairs", pairs.toString(), "--per-record", out.toString(), "--json");
        assertEquals(1, r.exitCode());
        assertEquals("error: " + pairs + ", line 2: field 'hypothesis' must be a string, got 3", r.err().strip());
        assertEquals("", r.out());
        assertFalse(Files.exists(out), "nothing may be written on bad input");
    }

    @Test
    void malformedJsonFails() throws IOException {
        Path pairs = dir.resolve("broken.jsonl");
        Files.writeString(pairs, "{\"reference\": \"a\", \"hypothesis\": \"b\"\n");
        CliRun r = CliRun.of("metrics", "--pairs", pairs.toString(), "--json");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("error: " + pairs + ", line 1: malformed JSON"), r.err());
    }

    @Test
    void missingPairsOptionIsAUsageError() {
        CliRun r = CliRun.of("metrics", "--json");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--pairs"), r.err());
    }
}
