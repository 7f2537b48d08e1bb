package org.crossgen.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User task files: the shipped example, and the errors a mistyped file gives. */
class TaskFileTest {
    private static final Path EXAMPLE = Path.of("examples/topic/topic.yaml");

    @Test
    void theExampleTaskLoadsAndValidatesClean() {
        TaskRegistry registry = TaskRegistry.paper().withTaskFile(EXAMPLE);
        Task topic = registry.task("topic");
        assertEquals(List.of("world", "sports", "business"), topic.labels());
        assertEquals("### Input:\n{input}\n### Topic:", topic.template(0));
        Dataset news = registry.dataset("topic/news");
        assertTrue(news.inDomain());
        assertEquals(List.of(), news.validate());
        assertEquals(6, news.testExamples().size());
        assertEquals(4, news.demonstrations().size());
        assertEquals(Set.of(8), news.train().keySet());
        assertEquals("The summit ended with a joint statement on climate, trade and \"security\".",
                news.trainExamples(8).get(2).field("input"));
        assertEquals("examples/topic/news_test.jsonl", news.test().name());
        assertEquals(6, registry.tasks().size());
    }

    @Test
    void unknownKeysListTheKnownOnes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("t.yaml"), "task: topic\nfields: [input]\nlabel: [a, b]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskRegistry.paper().withTaskFile(dir.resolve("t.yaml")));
        assertEquals(dir.resolve("t.yaml") + ": unknown key 'label', known: [task, fields, labels, metrics, templates, datasets]",
                e.getMessage());
        Files.writeString(dir.resolve("t.yaml"), "task: sentiment\ndatasets:\n  - name: x\n    test: x.json\n    dev: d.json\n");
        e = assertThrows(IllegalArgumentException.class, () -> TaskRegistry.paper().withTaskFile(dir.resolve("t.yaml")));
        assertEquals(dir.resolve("t.yaml") + ": datasets[0]: unknown key 'dev', known: [name, test, demos, train_<size>]",
                e.getMessage());
    }

    @Test
    void badTaskDefinitionsAreExplained(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "task: topic\nfields: [input]\nlabels: [a, b]\nmetrics: [rougeL]\ntemplates: [\"{input}\"]\n");
        assertEquals(yaml + ": task topic: metric rougeL is for generation tasks (this task has labels)", message(yaml));
        Files.writeString(yaml, "task: topic\nfields: [input]\nmetrics: [bleu]\ntemplates: [\"{text} then\"]\n");
        assertEquals(yaml + ": task topic: template 0 has placeholder {text}, but the task's fields are [input]", message(yaml));
        Files.writeString(yaml, "task: topic\nfields: [input]\nlabels: [yes, no]\nmetrics: [accuracy]\ntemplates: [\"{input}\"]\n");
        assertTrue(message(yaml).endsWith("'labels' must hold strings, got true (YAML reads bare yes/no/on/off as booleans: quote them)"));
        Files.writeString(yaml, "task: sentiment\nfields: [input]\nmetrics: [accuracy]\ntemplates: [\"{input}\"]\nlabels: [p, n]\n");
        assertEquals(yaml + ": task sentiment is already defined; to add datasets to it, leave out fields, labels,"
                + " metrics and templates", message(yaml));
        Files.writeString(yaml, "task: topics\ndatasets: []\n");
        assertTrue(message(yaml).startsWith(yaml + ": unknown task 'topics' (to define it, give fields, metrics and templates), known: [summary,"));
    }

    private static String message(Path yaml) {
        return assertThrows(IllegalArgumentException.class, () -> TaskRegistry.paper().withTaskFile(yaml)).getMessage();
    }
}
