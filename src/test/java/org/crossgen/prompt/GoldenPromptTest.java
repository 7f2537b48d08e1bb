package org.crossgen.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.TaskRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prompt text, character for character. The expected strings are concatenated by hand from the
 * literal text of prompt_map.json and the paper's rule (demonstration = filled template + output +
 * "\n\n"), not with crossgen's builder. Record 0 of each in-domain test set, the first k of its pool.
 */
class GoldenPromptTest {
    private static final TaskRegistry PAPER = TaskRegistry.paper();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String task : List.of("summary", "question", "sentiment", "inference", "detection")) {
            for (int template = 0; template <= 1; template++) {
                for (int k = 0; k <= 2; k++) cases.add(Arguments.of(task, template, k));
            }
        }
        return cases.stream();
    }

    /** prompt_map.json's templates, filled by hand. */
    private static String filled(String task, int template, Example e) {
        return switch (task + template) {
            case "summary0" -> "### Input:\n" + e.field("input") + "\n### Summary:";
            case "summary1" -> "Please read the following text:" + e.field("input") + "\nProvide a summary:";
            case "question0" -> "### Input:\n" + e.field("input") + "\n### Answer:\n" + e.field("answer") + "\n### Question:";
            case "question1" -> "Given the context:" + e.field("input") + "\nAnd the answer:" + e.field("answer")
                    + "\nGenerate a suitable question:";
            case "sentiment0" -> "### Input:\n" + e.field("input") + "\n### Sentiment:";
            case "sentiment1" -> "Analyze the sentiment of the following text:" + e.field("input") + "\nSentiment:";
            case "inference0" -> "### Input_1:\n" + e.field("input_1") + "\n### Input_2:\n" + e.field("input_2")
                    + "\n### Inference:";
            case "inference1" -> "Consider the following texts: Text 1:" + e.field("input_1") + "\nText 2:"
                    + e.field("input_2") + "\nThe relation is ";
            case "detection0" -> "### Input_1:\n" + e.field("input_1") + "\n### Input_2:\n" + e.field("input_2")
                    + "\n### Paraphrase Classification:";
            case "detection1" -> "Let's compare the two sentences: Sentence_1:" + e.field("input_1") + "\nSentence_2:"
                    + e.field("input_2") + "\nAre they paraphrasing?:";
            default -> throw new AssertionError(task + template);
        };
    }

    @ParameterizedTest(name = "{0} template {1}, {2}-shot")
    @MethodSource("cases")
    void evalPromptMatchesHandConcatenation(String task, int template, int k) {
        Dataset d = PAPER.datasets(task).get(0);
        Example record = d.testExamples().get(0);
        List<Example> pool = d.demonstrations();
        String expected = switch (k) {
            case 0 -> filled(task, template, record);
            case 1 -> filled(task, template, pool.get(0)) + pool.get(0).output() + "\n\n" + filled(task, template, record);
            default -> filled(task, template, pool.get(0)) + pool.get(0).output() + "\n\n"
                    + filled(task, template, pool.get(1)) + pool.get(1).output() + "\n\n" + filled(task, template, record);
        };
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(d.task(), template));
        assertEquals(expected, firstTestPrompt(builder, d, k));
    }

    /** The prompt of the first test record with {@code k} paper demonstrations, built as the Evaluator builds it. */
    private static String firstTestPrompt(PromptBuilder builder, Dataset d, int k) {
        Example record = d.testExamples().get(0);
        return builder.prompt(builder.demonstrations(d, builder.pool(d, k), record, k, DemonstrationSampler.paper()), record);
    }

    @ParameterizedTest(name = "{0} template {1}, {2}-shot FTICL")
    @MethodSource("cases")
    void trainingExampleMatchesHandConcatenation(String task, int template, int k) {
        Dataset d = PAPER.datasets(task).get(0);
        Example record = d.trainExamples(2000).get(0);
        List<Example> pool = d.demonstrations();
        StringBuilder expected = new StringBuilder();
        for (Example demo : pool.subList(0, k)) expected.append(filled(task, template, demo)).append(demo.output()).append("\n\n");
        expected.append(filled(task, template, record));
        TrainingExample example = new PromptBuilder(PromptTemplate.of(d.task(), template))
                .trainingExamples(d, 2000, k, DemonstrationSampler.paper()).get(0);
        assertEquals(new TrainingExample(expected.toString(), record.output()), example);
    }

    @Test
    void yelpTemplate1TwoShotIsLiterallyThis() {
        // the yelp pool starts negative, positive; the prompt ends at "Sentiment:" with no space
        Dataset yelp = PAPER.dataset("sentiment/yelp");
        List<Example> pool = yelp.demonstrations();
        String prompt = firstTestPrompt(new PromptBuilder(PromptTemplate.of(yelp.task(), 1)), yelp, 2);
        assertEquals("Analyze the sentiment of the following text:" + pool.get(0).field("input") + "\nSentiment:"
                + pool.get(0).output() + "\n\nAnalyze the sentiment of the following text:" + pool.get(1).field("input")
                + "\nSentiment:" + pool.get(1).output() + "\n\nAnalyze the sentiment of the following text:"
                + yelp.testExamples().get(0).field("input") + "\nSentiment:", prompt);
        assertEquals(List.of("negative", "positive"), pool.subList(0, 2).stream().map(Example::output).toList());
    }
}
