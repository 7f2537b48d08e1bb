package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.TaskRegistry;
import org.crossgen.text.Tokenizer;
import org.junit.jupiter.api.Test;

class PromptCommandTest {
    private static final TaskRegistry PAPER = TaskRegistry.paper();

    @Test
    void printsExactlyThePromptText() {
        Dataset yelp = PAPER.dataset("sentiment/yelp");
        List<Example> pool = yelp.demonstrations();
        String expected = "Analyze the sentiment of the following text:" + pool.get(0).field("input") + "\nSentiment:"
                + pool.get(0).output() + "\n\nAnalyze the sentiment of the following text:" + pool.get(1).field("input")
                + "\nSentiment:" + pool.get(1).output() + "\n\nAnalyze the sentiment of the following text:"
                + yelp.testExamples().get(0).field("input") + "\nSentiment:";
        CliRun run = CliRun.of("prompt", "--dataset", "sentiment/yelp", "--template", "1", "--shots", "2", "--index", "0");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(expected, run.out());
    }

    @Test
    void trainingExamplesAsJsonAndAsText() throws IOException {
        Dataset amazon = PAPER.dataset("sentiment/amazon");
        Example record = amazon.trainExamples(2000).get(0);
        Example demo = amazon.demonstrations().get(0);
        CliRun run = CliRun.of("prompt", "--dataset", "sentiment/amazon", "--train", "--method", "fticl", "--size", "2000",
                "--shots", "1", "--index", "0", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("### Input:\n" + demo.field("input") + "\n### Sentiment:" + demo.output() + "\n\n### Input:\n"
                + record.field("input") + "\n### Sentiment:", json.get("prompt").asText());
        assertEquals(record.output(), json.get("target").asText());
        CliRun ft = CliRun.of("prompt", "--dataset", "sentiment/amazon", "--train", "--method", "ft");
        assertEquals("=== prompt ===\n### Input:\n" + record.field("input") + "\n### Sentiment:\n=== target ===\n"
                + record.output() + "\n", ft.out());
        CliRun wrong = CliRun.of("prompt", "--dataset", "sentiment/amazon", "--train", "--shots", "2");
        assertEquals("error: --method ft trains without demonstrations; use --method fticl for --shots 2\n", wrong.err());
        CliRun typo = CliRun.of("prompt", "--dataset", "sentiment/amazon", "--train", "--method", "fitcl");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.err().startsWith("Invalid value for option '--method': unknown method \"fitcl\"; known: [base, ft, fticl]\n"),
                typo.err());
    }

    @Test
    void randomSamplerIsSeededAndMaxTokensFits() {
        String[] args = {"prompt", "--dataset", "summary/cnn", "--shots", "3", "--index", "340", "--sampler", "random", "--seed", "5"};
        CliRun a = CliRun.of(args);
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(a.out(), CliRun.of(args).out());
        // "first" and "paper" are one sampler, in every command; a typo lists the spellings
        assertEquals(CliRun.of("prompt", "--dataset", "summary/cnn", "--shots", "2", "--sampler", "paper").out(),
                CliRun.of("prompt", "--dataset", "summary/cnn", "--shots", "2", "--sampler", "first").out());
        for (String command : List.of("prompt", "eval", "train")) {
            CliRun typo = CliRun.of(command, "--dataset", "summary/cnn", "--sampler", "papr", "--out", "x");
            assertEquals(2, typo.exitCode(), command);
            assertTrue(typo.err().startsWith("Invalid value for option '--sampler': unknown sampler \"papr\"; known: paper, first, "
                    + "random\n"), command + ": " + typo.err());
        }
        String test340 = PAPER.dataset("summary/cnn").testExamples().get(340).field("input");
        assertEquals(1, a.out().split(java.util.regex.Pattern.quote(test340), -1).length - 1, "the record appears once");
        CliRun fitted = CliRun.of("prompt", "--dataset", "summary/cnn", "--shots", "2", "--max-tokens", "128");
        assertEquals(0, fitted.exitCode(), fitted.err());
        try (Tokenizer tok = Tokenizer.mistral32k()) {
            assertTrue(tok.count(fitted.out(), true) <= 128);
        }
        assertTrue(fitted.out().endsWith("\n### Summary:"), fitted.out());
    }
}
