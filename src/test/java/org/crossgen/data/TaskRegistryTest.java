package org.crossgen.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The paper's registry: tasks, datasets, split sizes and the known quirks of its data. */
class TaskRegistryTest {
    private static final TaskRegistry PAPER = TaskRegistry.paper();

    @Test
    void hasTheFiveTasksWithTheirLabelsAndMetrics() {
        assertEquals(List.of("summary", "question", "sentiment", "inference", "detection"),
                PAPER.tasks().stream().map(Task::name).toList());
        assertEquals(List.of("positive", "negative"), PAPER.task("sentiment").labels());
        assertEquals(List.of("entailment", "neutral", "contradiction"), PAPER.task("inference").labels());
        assertEquals(List.of("yes", "no"), PAPER.task("detection").labels());
        assertEquals(List.of("input", "answer"), PAPER.task("question").fields());
        assertEquals(List.of("rougeL", "bleu"), PAPER.task("summary").metrics());
        assertFalse(PAPER.task("question").isClassification());
        assertEquals(List.of("accuracy"), PAPER.task("detection").metrics());
    }

    @Test
    void templatesAreThoseOfPromptMapJson() throws IOException {
        JsonNode map;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("datasets/generalization-ft-llm/prompt_map.json")) {
            map = new ObjectMapper().readTree(in);
        }
        for (Task task : PAPER.tasks()) {
            assertEquals(2, task.templates().size(), task.name());
            for (int id = 0; id < 2; id++) assertEquals(map.get(id).get(task.name()).asText(), task.template(id));
        }
    }

    @Test
    void testSetsInDomainSetsAndTrainingSizes() {
        Map<String, List<String>> sets = new TreeMap<>();
        for (Dataset d : PAPER.datasets()) sets.computeIfAbsent(d.task().name(), k -> new java.util.ArrayList<>()).add(d.name());
        assertEquals(List.of("xsum", "xlsum", "pdfs", "cnn"), sets.get("summary"));
        assertEquals(List.of("socialqa", "tweetqa", "sciqa"), sets.get("question"));
        assertEquals(List.of("amazon", "yelp", "sst2", "amazonfood"), sets.get("sentiment"));
        assertEquals(List.of("multinli", "multinli2", "rte", "gptnli", "snli"), sets.get("inference"));
        assertEquals(List.of("paws", "qqp", "stsb"), sets.get("detection"));
        for (Task t : PAPER.tasks()) {
            List<Dataset> ds = PAPER.datasets(t.name());
            assertTrue(ds.get(0).inDomain());
            assertEquals(1, ds.stream().filter(Dataset::inDomain).count(), t.name());
            ds.stream().skip(1).forEach(d -> assertTrue(d.train().isEmpty(), d.id()));
        }
        assertEquals(Set.of(2000), PAPER.dataset("summary/xsum").train().keySet());
        assertEquals(Set.of(2000, 4000, 6000), PAPER.dataset("detection/paws").train().keySet());
        assertTrue(PAPER.dataset("inference/snli").demosFile().isEmpty());
    }

    @Test
    void splitSizesMatchThePublishedFiles() {
        for (Dataset d : PAPER.datasets()) {
            assertEquals(d.name().equals("cnn") ? 382 : 500, d.testExamples().size(), d.id());
        }
        assertEquals(5999, PAPER.dataset("sentiment/amazon").trainExamples(6000).size());
        assertEquals(5986, PAPER.dataset("detection/paws").trainExamples(6000).size());
        assertEquals(4000, PAPER.dataset("inference/multinli").trainExamples(4000).size());
        assertEquals(4, PAPER.dataset("question/tweetqa").demonstrations().size());
        assertEquals(8, PAPER.dataset("question/sciqa").demonstrations().size());
    }

    @Test
    void recordsKeepTheirIdxAndPosition() {
        Example e = PAPER.dataset("sentiment/amazon").trainExamples(2000).get(3);
        assertEquals(3, e.position());
        assertEquals(503, e.idx().getAsInt()); // training idx continue after the 500 test records
        assertTrue(PAPER.dataset("inference/multinli").trainExamples(2000).get(0).idx().isEmpty());
    }

    @Test
    void thePaperDataHasNoErrorsAndOnlyItsKnownWarnings() {
        Map<String, Integer> warnings = new TreeMap<>();
        for (Dataset d : PAPER.datasets()) {
            for (Problem p : d.validate()) {
                assertFalse(p.isError(), p::toString);
                String kind = p.message().startsWith("unlabelled") ? "unlabelled"
                        : p.message().startsWith("demonstration is also") ? "overlap"
                        : p.message().endsWith("is empty") ? "empty" : p.message();
                warnings.merge(d.name() + " " + kind, 1, Integer::sum);
            }
        }
        assertEquals(Map.ofEntries(
                Map.entry("multinli unlabelled", 8), Map.entry("multinli2 unlabelled", 16),
                Map.entry("snli unlabelled", 7),
                Map.entry("cnn overlap", 4), Map.entry("amazon overlap", 1), Map.entry("multinli overlap", 1),
                Map.entry("rte overlap", 1), Map.entry("sciqa overlap", 1), Map.entry("socialqa overlap", 1),
                Map.entry("stsb overlap", 1), Map.entry("paws overlap", 2), Map.entry("sst2 overlap", 2),
                Map.entry("tweetqa empty", 20), Map.entry("gptnli empty", 8), Map.entry("xsum empty", 1)),
                warnings);
    }

    @Test
    void unlabelledTestRecordsAreKept() {
        List<Example> test = PAPER.dataset("inference/multinli2").testExamples();
        assertEquals(16, test.stream().filter(e -> e.output().equals(Task.UNLABELLED)).count());
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PAPER.dataset("sentiment/imdb"));
        assertTrue(e.getMessage().startsWith("unknown dataset 'sentiment/imdb', known: [summary/xsum, "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PAPER.task("topic"));
        assertEquals("unknown task 'topic', known: [summary, question, sentiment, inference, detection]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PAPER.dataset("summary/xsum").file(Split.TRAIN, 4000));
        assertEquals("summary/xsum has no training file of size 4000, sizes: [2000]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Split.of("dev"));
        assertEquals("unknown split \"dev\", known: [test, train, demos]", e.getMessage());
    }
}
