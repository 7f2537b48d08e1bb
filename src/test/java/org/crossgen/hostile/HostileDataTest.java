package org.crossgen.hostile;

import static org.crossgen.hostile.Hostile.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.DatasetFormatException;
import org.crossgen.data.Example;
import org.crossgen.data.Problem;
import org.crossgen.data.TaskRegistry;
import org.crossgen.metrics.PairsFile;
import org.crossgen.metrics.PairsFormatException;
import org.crossgen.metrics.TextPair;
import org.crossgen.study.ModelLocator;
import org.crossgen.study.StudySpec;
import org.crossgen.study.StudySpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data, task, spec and pairs files that used to pass validation and fail the run later (empty
 * test sets, duplicate keys), be misread (a byte-order mark) or hang it (a FIFO).
 */
class HostileDataTest {
    private static final String BOM = "\uFEFF";
    @TempDir Path dir;

    /** A sentiment dataset "mine" over {@code test} (and a valid training file), from a task file in {@link #dir}. */
    private Dataset dataset(String test) throws IOException {
        Files.writeString(dir.resolve("train.jsonl"), "{\"input\": \"fine\", \"output\": \"positive\"}\n");
        Files.writeString(dir.resolve("t.yaml"), """
                task: sentiment
                datasets:
                  - name: mine
                    test: %s
                    train_10: train.jsonl
                """.formatted(test));
        return TaskRegistry.paper().withTaskFile(dir.resolve("t.yaml")).dataset("sentiment/mine");
    }

    private List<String> errors(Dataset d) {
        return assertTimeoutPreemptively(Hostile.BOUND, () -> d.validate().stream().filter(Problem::isError).map(Problem::toString)
                .map(p -> p.replace(dir + "/", "")).toList());
    }

    @Test
    void aCsvWithAByteOrderMarkReadsItsFirstColumn() throws IOException {
        Files.writeString(dir.resolve("test.csv"), BOM + "input,output\r\n\"great, really\",positive\r\n");
        Dataset d = dataset("test.csv");
        assertEquals(List.of(), errors(d));
        Example e = d.testExamples().get(0);
        assertEquals("great, really", e.field("input"));
        Files.writeString(dir.resolve("test.jsonl"), BOM + "{\"input\": \"good\", \"output\": \"positive\"}\n");
        assertEquals("good", dataset("test.jsonl").testExamples().get(0).field("input"));
    }

    @Test
    void aPairsFileWithAByteOrderMarkReads() throws IOException {
        Path f = dir.resolve("pairs.jsonl");
        Files.writeString(f, BOM + "{\"reference\": \"a b\", \"hypothesis\": \"a\"}\n");
        assertEquals(List.of(new TextPair("a b", "a")), PairsFile.read(f));
    }

    @Test
    void emptyTestSetsFailValidation() throws IOException {
        Files.createDirectory(dir.resolve("folder.jsonl"));
        assertEquals(List.of("folder.jsonl: is a directory, expected a file"), errors(dataset("folder.jsonl")));
        Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
        assertEquals(List.of("empty.jsonl: no records"), errors(dataset("empty.jsonl")));
        Files.writeString(dir.resolve("header.csv"), "input,output\n");
        Dataset headerOnly = dataset("header.csv");
        assertEquals(List.of("header.csv: no records (only a header row)"), errors(headerOnly));
        DatasetFormatException e = refused(DatasetFormatException.class, headerOnly::testExamples);
        assertEquals(dir.resolve("header.csv") + ": no records (only a header row)", e.getMessage());
    }

    @Test
    void duplicateKeysAreErrors() throws IOException {
        Files.writeString(dir.resolve("test.jsonl"), "{\"input\": \"good\", \"output\": \"positive\", \"input\": \"bad\"}\n");
        assertEquals(List.of("test.jsonl, record 0: malformed JSON on line 1: duplicate key 'input'"), errors(dataset("test.jsonl")));
        Files.writeString(dir.resolve("test.csv"), "input,output,input\ngood,positive,bad\n");
        assertEquals(List.of("test.csv: the CSV header names column 'input' twice"), errors(dataset("test.csv")));

        Files.writeString(dir.resolve("test.jsonl"), "{\"input\": \"good\", \"output\": \"positive\"}\n");
        Files.writeString(dir.resolve("t.yaml"), "task: sentiment\ndatasets:\n  - name: a\n    test: test.jsonl\ntask: summary\n");
        IllegalArgumentException yaml = refused(IllegalArgumentException.class,
                () -> TaskRegistry.paper().withTaskFile(dir.resolve("t.yaml")));
        assertEquals(dir.resolve("t.yaml") + ": line 5: not valid YAML: duplicate key 'task'", yaml.getMessage());
    }

    @Test
    void fifosAsInputsAreRefusedNotWaitedOn() throws Exception {
        Hostile.fifo(dir.resolve("test.jsonl"));
        assertEquals(List.of("test.jsonl: is not a regular file (a FIFO, socket or device); crossgen reads only regular files"),
                errors(dataset("test.jsonl")));
        Path pairs = Hostile.fifo(dir.resolve("pairs.jsonl"));
        assertEquals(pairs + ": is not a regular file (a FIFO, socket or device); crossgen reads only regular files",
                refused(PairsFormatException.class, () -> PairsFile.read(pairs)).getMessage());
        Path task = Hostile.fifo(dir.resolve("task.yaml"));
        assertEquals("task file is not a regular file (a FIFO, socket or device); crossgen reads only regular files: " + task,
                refused(IllegalArgumentException.class, () -> TaskRegistry.paper().withTaskFile(task)).getMessage());
        Path spec = Hostile.fifo(dir.resolve("spec.yaml"));
        assertEquals(List.of(spec + ": study spec is not a regular file (a FIFO, socket or device); crossgen reads only regular files"),
                refused(StudySpecException.class, () -> StudySpec.read(spec)).problems());
    }

    // ---- study specs: what would plan an empty study or fail a cell later is a spec error now ----

    private List<String> specProblems(String yaml, TaskRegistry registry) throws IOException {
        Files.createDirectories(dir.resolve("model"));
        Files.writeString(dir.resolve("model/config.json"), "{}");
        Path spec = dir.resolve("s.yaml");
        Files.writeString(spec, "models: [model]\n" + yaml);
        return refused(StudySpecException.class, () -> StudySpec.read(spec, registry, ModelLocator.NONE)).problems().stream()
                .map(p -> p.replace(spec + ": ", "")).toList();
    }

    @Test
    void emptyMethodsOrEvalSetsAreSpecErrors() throws IOException {
        assertEquals(List.of("methods: needs at least one of [base, ft, fticl]", "eval_sets: needs at least one test set id, or \"all\""),
                specProblems("methods: []\neval_sets: []\n", TaskRegistry.paper()));
    }

    @Test
    void aDuplicateSpecKeyIsAnError() throws IOException {
        assertEquals(List.of("line 4: not valid YAML: duplicate key 'methods'"),
                specProblems("methods: [base, ft]\ntrain_datasets: [sentiment/amazon]\nmethods: [base]\neval_sets: [sentiment/yelp]\n",
                        TaskRegistry.paper()));
    }

    @Test
    void anEmptyTestSetIsASpecErrorWithTheOthers() throws IOException {
        Files.writeString(dir.resolve("empty.jsonl"), "");
        Dataset d = dataset("empty.jsonl");
        TaskRegistry registry = TaskRegistry.paper().withTaskFile(dir.resolve("t.yaml"));
        assertEquals(List.of("eval_sets[1]: sentiment/mine: " + dir.resolve("empty.jsonl") + ": no records",
                        "templates[0]: task sentiment has templates 0..1, got 7"),
                specProblems("methods: [base]\neval_sets: [sentiment/yelp, " + d.id() + "]\ntemplates: [7]\n", registry));
    }
}
