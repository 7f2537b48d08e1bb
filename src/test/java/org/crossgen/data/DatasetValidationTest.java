package org.crossgen.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of broken record gives one problem naming file, record and field. */
class DatasetValidationTest {
    /** A file with one valid record, for the files a test does not break. */
    private static final String ONE = "[{\"input\": \"fine\", \"output\": \"positive\"}]";

    @TempDir Path dir;

    /** A one-dataset sentiment registry over files written by the test. */
    private Dataset sentiment(String test, String demos, String train) throws IOException {
        Files.writeString(dir.resolve("t.yaml"), """
                task: sentiment
                datasets:
                  - name: mine
                    test: %s
                    demos: %s
                    train_10: %s
                """.formatted(test, demos, train));
        return TaskRegistry.paper().withTaskFile(dir.resolve("t.yaml")).dataset("sentiment/mine");
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private List<String> validate(Dataset d) {
        return d.validate().stream().map(p -> p.severity() + " " + p.toString().replace(dir + "/", "")).toList();
    }

    /** Warnings belong to validate (and the plan, and the report), not to every command that reads the file. */
    @Test
    void loadingAFileWithWarningsPrintsNothing() throws IOException {
        write("test.json", "[{\"input\": \"good\", \"output\": \"positive\"}, {\"input\": \" \", \"output\": \"-\"}]");
        write("demos.json", "[{\"input\": \"good\", \"output\": \"positive\"}]");
        write("train.json", ONE);
        Dataset d = sentiment("test.json", "demos.json", "train.json");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertEquals(2, d.testExamples().size());
            assertEquals(1, d.demonstrations().size());
        } finally {
            System.setErr(err);
        }
        assertEquals("", captured.toString());
        assertEquals(3, d.validate().size(), "an empty input, an unlabelled record, a demonstration that is a test record");
    }

    @Test
    void truncatedJsonNamesTheRecordWhereItStops() throws IOException {
        write("test.json", "[{\"idx\": 0, \"input\": \"good\", \"output\": \"positive\"}, {\"idx\": 1, \"inp");
        write("demos.json", ONE);
        write("train.json", ONE);
        Dataset d = sentiment("test.json", "demos.json", "train.json");
        List<String> problems = validate(d);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("ERROR test.json, record 1: malformed JSON at line 1, column "),
                problems.get(0));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, d::testExamples);
        assertEquals(1, e.problems().size());
    }

    @Test
    void everyRecordProblemIsReportedWithFileRecordAndField() throws IOException {
        write("test.json", """
                [{"idx": 0, "input": "fine", "output": "positive"},
                 {"idx": 1, "input": "bad label", "output": "meh"},
                 {"idx": 2, "text": "wrong field", "output": "negative"},
                 {"idx": 3, "input": 42, "output": "negative"},
                 {"idx": 1, "input": "same idx", "output": "negative"},
                 {"idx": 5, "input": "  ", "output": "-"},
                 {"idx": "6", "input": "string idx", "output": "positive"},
                 "not an object"]
                """);
        write("demos.jsonl", "{\"input\": \"fine\", \"output\": \"positive\"}\n{\"input\": \"x\", \"output\": \"-\"}\n");
        write("train.csv", "input,output\n\"a, quoted \"\"one\"\"\",positive\nb,negative,extra\n");
        List<String> problems = validate(sentiment("test.json", "demos.jsonl", "train.csv"));
        assertEquals(List.of(
                "ERROR test.json, record 1: field 'output' must be one of [positive, negative], got \"meh\"",
                "ERROR test.json, record 2: missing field 'input'",
                "WARNING test.json, record 2: field 'text' is not used by task sentiment (fields: [input], output, idx); ignored",
                "ERROR test.json, record 3: field 'input' must be a string, got 42",
                "ERROR test.json, record 4: duplicate idx 1 (also record 1)",
                "WARNING test.json, record 5: field 'input' is empty",
                "WARNING test.json, record 5: unlabelled (output \"-\"): kept and scored as wrong",
                "ERROR test.json, record 6: field 'idx' must be an integer >= 0, got \"6\"",
                "ERROR test.json, record 7: must be a JSON object, got string",
                "ERROR train.csv, record 1: has 3 columns, the header [input, output] has 2",
                "ERROR demos.jsonl, record 1: field 'output' must be one of [positive, negative], got \"-\"",
                "WARNING demos.jsonl, record 0: demonstration is also record 0 of the test set test.json"
                        + " (kept: the paper used the pool as is)"),
                problems);
    }

    @Test
    void loadingFailsFastWithOneLinePerError() throws IOException {
        write("test.json", "[{\"input\": \"a\", \"output\": \"good\"}, {\"input\": \"b\", \"output\": \"bad\"}]");
        write("demos.json", "[]");
        write("train.json", "[]");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> sentiment("test.json", "demos.json", "train.json").testExamples());
        String file = dir.resolve("test.json").toString();
        assertEquals(file + ", record 0: field 'output' must be one of [positive, negative], got \"good\"\n"
                + "error: " + file + ", record 1: field 'output' must be one of [positive, negative], got \"bad\"",
                e.getMessage());
    }

    @Test
    void csvAndJsonlFilesLoadLikeJsonArrays() throws IOException {
        write("test.jsonl", "{\"idx\": 7, \"input\": \"great\", \"output\": \"positive\"}\n\n"
                + "{\"idx\": 8, \"input\": \"awful\", \"output\": \"negative\"}\n");
        write("demos.json", "[{\"input\": \"ok\", \"output\": \"positive\"}]");
        write("train.csv", "idx,input,output\r\n3,\"line one\nline two, with comma\",negative\r\n4,plain,positive");
        Dataset d = sentiment("test.jsonl", "demos.json", "train.csv");
        assertEquals(List.of(), d.validate());
        List<Example> test = d.testExamples();
        assertEquals(List.of(0, 1), test.stream().map(Example::position).toList());
        assertEquals(8, test.get(1).idx().getAsInt());
        List<Example> train = d.trainExamples(10);
        assertEquals("line one\nline two, with comma", train.get(0).field("input"));
        assertEquals(4, train.get(1).idx().getAsInt());
        assertEquals("positive", train.get(1).output());
    }

    @Test
    void missingFileAndWrongTopLevelAreFileErrors() throws IOException {
        write("test.json", "{\"input\": \"a\"}");
        write("train.json", ONE);
        List<String> problems = validate(sentiment("test.json", "nowhere.json", "train.json"));
        assertEquals(2, problems.size(), problems::toString);
        assertEquals("ERROR test.json: must be a JSON array of records, starts with {", problems.get(0));
        assertTrue(problems.get(1).startsWith("ERROR nowhere.json: file not found"), problems.get(1));
    }

    @Test
    void csvReaderFollowsRfc4180() {
        assertEquals(List.of(List.of("a", "b,c", "say \"hi\""), List.of("", "x\ny", "")),
                CsvReader.parse("a,\"b,c\",\"say \"\"hi\"\"\"\r\n,\"x\ny\",\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvReader.parse("a\n\"open,b\n"));
        assertEquals("line 2: quoted field never closed", e.getMessage());
    }
}
