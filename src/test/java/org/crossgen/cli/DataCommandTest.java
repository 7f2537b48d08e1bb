package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
    @Test
    void listShowsTasksTestSetsAndTrainingSizes() {
        CliRun run = CliRun.of("data", "list");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(5, lines.stream().filter(l -> l.matches("(summary|question|sentiment|inference|detection) .*")).count());
        assertEquals(19, lines.stream().filter(l -> l.matches("[a-z]+/[a-z0-9]+ .*")).count());
        // the paper's 18 test sets have 500 records but cnn (382); snli has 500
        assertEquals(18, lines.stream().filter(l -> l.matches("[a-z]+/[a-z0-9]+ +\\*? +500 .*")).count(), run.out());
        assertTrue(run.out().contains("summary/cnn             382"), run.out());
        assertTrue(run.out().contains("2000:2000 4000:4000 6000:5999  positive 260, negative 240"), run.out());
        assertTrue(run.out().contains("6000:5986"), run.out());
        assertTrue(run.out().contains("summary/xsum *          500     4  2000:2000 "), run.out());
        assertTrue(run.out().contains("entailment 167, neutral 160, contradiction 165, - 8"), run.out());
    }

    @Test
    void listAsJsonHoldsTheTableFacts() throws Exception {
        CliRun run = CliRun.of("data", "list", "--json");
        assertEquals(0, run.exitCode(), run.err());
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        assertEquals(5, j.get("tasks").size());
        assertEquals(19, j.get("datasets").size());
        var amazon = j.get("datasets").findParents("id").stream().filter(d -> d.get("id").asText().equals("sentiment/amazon")).findFirst().orElseThrow();
        assertEquals("{\"2000\":2000,\"4000\":4000,\"6000\":5999}", amazon.get("train").toString());
        assertEquals("{\"positive\":260,\"negative\":240}", amazon.get("test_labels").toString());
        assertEquals(List.of(true, 500, 8), List.of(amazon.get("in_domain").asBoolean(), amazon.get("test").asInt(), amazon.get("demos").asInt()));
    }

    @Test
    void showPrintsOneRecordOrJsonLines() {
        CliRun one = CliRun.of("data", "show", "sentiment/amazon", "--split", "train", "--size", "2000", "--index", "3");
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(one.out().startsWith("{\n  \"position\" : 3,\n  \"idx\" : 503,\n  \"input\" : "), one.out());
        CliRun demos = CliRun.of("data", "show", "question/tweetqa", "--split", "demos");
        assertEquals(4, demos.out().lines().count());
        CliRun bad = CliRun.of("data", "show", "sentiment/yelp", "--index", "500");
        assertEquals(1, bad.exitCode());
        assertEquals("error: --index 500 is out of range: sentiment/yelp test has records 0..499\n", bad.err());
    }

    @Test
    void validatePassesThePaperDataWithWarnings() {
        CliRun run = CliRun.of("data", "validate", "summary/cnn", "inference/multinli2");
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().contains("warning: summary/few_shot/cnn_few_shot.json, record 0: demonstration is also"
                + " record 340 of the test set summary/cnn_test_500.json"), run.out());
        assertTrue(run.out().endsWith("0 error(s), 20 warning(s) in 2 dataset(s)\n"), run.out());
    }

    @Test
    void corruptedFilesGiveOneErrorLinePerProblemAndExitOne(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("broken.json"), "[{\"input\": \"ok\", \"output\": \"positive\"}, {\"input\": \"cut");
        Files.writeString(dir.resolve("labels.json"), """
                [{"input": "a", "output": "-"}, {"text": "b", "output": "negative"}, {"input": "c", "output": "neutral"}]
                """);
        Files.writeString(dir.resolve("t.yaml"), """
                task: sentiment
                datasets:
                  - name: broken
                    test: broken.json
                  - name: labels
                    test: labels.json
                    demos: labels.json
                """);
        String yaml = dir.resolve("t.yaml").toString();
        CliRun run = CliRun.of("data", "validate", "--task-file", yaml, "sentiment/broken", "sentiment/labels");
        assertEquals(1, run.exitCode());
        String b = dir.resolve("broken.json").toString();
        String l = dir.resolve("labels.json").toString();
        assertEquals(List.of(
                "error: " + b + ", record 1: malformed JSON at line 1, column 55: Unexpected end-of-input: was expecting"
                        + " closing quote for a string value",
                "warning: " + l + ", record 0: unlabelled (output \"-\"): kept and scored as wrong",
                "error: " + l + ", record 1: missing field 'input'",
                "warning: " + l + ", record 1: field 'text' is not used by task sentiment (fields: [input], output, idx); ignored",
                "error: " + l + ", record 2: field 'output' must be one of [positive, negative], got \"neutral\"",
                "error: " + l + ", record 0: field 'output' must be one of [positive, negative], got \"-\"",
                "error: " + l + ", record 1: missing field 'input'",
                "warning: " + l + ", record 1: field 'text' is not used by task sentiment (fields: [input], output, idx); ignored",
                "error: " + l + ", record 2: field 'output' must be one of [positive, negative], got \"neutral\"",
                "6 error(s), 3 warning(s) in 2 dataset(s)"), run.out().lines().toList());

        CliRun prompt = CliRun.of("prompt", "--task-file", yaml, "--dataset", "sentiment/labels");
        assertEquals(1, prompt.exitCode());
        assertEquals(List.of(
                "error: " + l + ", record 1: missing field 'input'",
                "error: " + l + ", record 2: field 'output' must be one of [positive, negative], got \"neutral\""),
                prompt.err().lines().filter(s -> s.startsWith("error")).toList());
        assertEquals("", prompt.out());
    }

    @Test
    void theExampleTaskFileWorksFromTheCommandLine() {
        CliRun run = CliRun.of("data", "validate", "--task-file", "examples/topic/topic.yaml", "topic/news");
        assertEquals(0, run.exitCode(), run.out());
        assertEquals("0 error(s), 0 warning(s) in 1 dataset(s)\n", run.out());
        CliRun unknown = CliRun.of("data", "show", "topic/news");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().startsWith("error: unknown dataset 'topic/news', known: [summary/xsum,"), unknown.err());
    }
}
