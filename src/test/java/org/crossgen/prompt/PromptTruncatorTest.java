package org.crossgen.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.Task;
import org.crossgen.data.TaskRegistry;
import org.crossgen.text.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Properties of fitted prompts over the paper's 18 test sets, both templates, k = 2, with the real
 * mistral-32k tokenizer. Every 5th record (100 per set) keeps the run near ten seconds on two cores.
 */
class PromptTruncatorTest {
    private static final TaskRegistry PAPER = TaskRegistry.paper();
    private static Tokenizer tok;

    @BeforeAll
    static void load() {
        tok = Tokenizer.mistral32k();
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void everyTestPromptFitsWithTemplateIntact() {
        int datasets = 0;
        for (Dataset d : PAPER.datasets()) {
            if (d.demosFile().isEmpty()) continue; // snli: not in the paper's grid, no pool
            datasets++;
            List<Example> test = d.testExamples().stream().filter(e -> e.position() % 5 == 0).toList();
            for (int template = 0; template <= 1; template++) {
                PromptBuilder builder = new PromptBuilder(PromptTemplate.of(d.task(), template));
                List<Example> demos = builder.pool(d, 2).subList(0, 2);
                for (int budget : new int[] {256, 64}) {
                    PromptTruncator truncator = new PromptTruncator(tok, budget);
                    List<PromptTruncator.Fit> fits = new ArrayList<>();
                    for (Example record : test) {
                        PromptTruncator.Fit fit = truncator.fitEval(builder, demos, record);
                        String where = d.id() + " template " + template + " budget " + budget + " record " + record.position();
                        assertTrue(tok.encode(fit.prompt(), true).length <= budget, where);
                        assertEquals(tok.encode(fit.prompt(), true).length, fit.tokens(), where);
                        assertIntact(builder, demos, record, fit, where);
                        fits.add(fit);
                    }
                    PromptTruncator.Summary summary = PromptTruncator.Summary.of(fits);
                    if (budget == 64) assertTrue(summary.lostDemonstrations() > 0, d.id() + ": 64 tokens must bite: " + summary);
                }
            }
        }
        assertEquals(18, datasets);
    }

    @Test
    void trainingPromptsFitWithTheTargetCounted() {
        for (Task task : PAPER.tasks()) {
            Dataset d = PAPER.datasets(task.name()).get(0);
            PromptBuilder builder = new PromptBuilder(PromptTemplate.of(task, 0));
            List<Example> demos = builder.pool(d, 2).subList(0, 2);
            PromptTruncator truncator = new PromptTruncator(tok, 256);
            for (Example record : d.trainExamples(2000).subList(0, 100)) {
                PromptTruncator.Fit fit = truncator.fitTraining(builder, demos, record);
                int total = tok.encode(fit.prompt(), true).length + tok.encode(record.output(), false).length + 1;
                String where = d.id() + " train record " + record.position();
                assertTrue(total <= 256, where + ": " + total);
                assertEquals(total, fit.tokens(), where);
                assertIntact(builder, demos, record, fit, where);
            }
        }
    }

    @Test
    void longestInputIsCutFirstAndTooSmallBudgetsAreExplained() {
        Dataset paws = PAPER.dataset("detection/paws");
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(paws.task(), 0));
        Example record = new Example(0, java.util.OptionalInt.empty(),
                java.util.Map.of("input_1", "short one", "input_2", "a much longer second sentence that must be cut first"), "no");
        int full = tok.count(builder.prompt(List.of(), record), true);
        PromptTruncator.Fit fit = new PromptTruncator(tok, full - 3).fitEval(builder, List.of(), record);
        assertTrue(fit.prompt().contains("\nshort one\n"), fit.prompt());
        assertTrue(fit.cutCharacters() > 0 && fit.droppedDemonstrations() == 0);
        PromptTruncator.Fit untouched = new PromptTruncator(tok, full).fitEval(builder, List.of(), record);
        assertEquals(builder.prompt(List.of(), record), untouched.prompt());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PromptTruncator(tok, 10).fitTraining(builder, List.of(), record));
        assertTrue(e.getMessage().startsWith("record 0 cannot fit 10 tokens: with empty inputs it takes "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (template and target)"), e.getMessage());
    }

    /** The prompt is the kept (nearest) demonstrations, then the template with each input a prefix of the original. */
    private static void assertIntact(PromptBuilder builder, List<Example> demos, Example record, PromptTruncator.Fit fit,
                                     String where) {
        List<Example> kept = demos.subList(fit.droppedDemonstrations(), demos.size());
        StringBuilder block = new StringBuilder();
        for (Example d : kept) block.append(builder.template().fill(d)).append(d.output()).append("\n\n");
        assertTrue(fit.prompt().startsWith(block.toString()), where + ": demonstrations changed");
        String rest = fit.prompt().substring(block.length());
        Matcher m = templatePattern(builder.template().text()).matcher(rest);
        assertTrue(m.matches(), where + ": template text changed: " + rest);
        List<String> names = Task.PLACEHOLDER.matcher(builder.template().text()).results().map(r -> r.group(1)).toList();
        for (int i = 0; i < names.size(); i++) {
            assertTrue(record.field(names.get(i)).startsWith(m.group(i + 1)), where + ": field " + names.get(i) + " not a prefix");
        }
        if (fit.cutCharacters() == 0) assertEquals(builder.prompt(kept, record), fit.prompt(), where);
    }

    private static Pattern templatePattern(String template) {
        Matcher m = Task.PLACEHOLDER.matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("(.*)");
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
