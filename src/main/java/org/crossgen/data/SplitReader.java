package org.crossgen.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads one split file and checks every record against its task.
 *
 * <p>Errors (the record is left out and a run must not start): a file without records, a missing or non-string field, an
 * output outside the label set, an empty generation target, a non-integer or repeated
 * {@code idx}. Warnings (the record is kept): an empty input field, a field the task does not
 * use, and the paper's unlabelled "-" output in a test file (scored as wrong; in a training or
 * demonstration file it is an error, because the model would learn it).
 */
final class SplitReader {
    private SplitReader() {}

    /** The examples of a split file and what is wrong with it. */
    record Loaded(List<Example> examples, List<Problem> problems) {
        Loaded {
            examples = List.copyOf(examples);
            problems = List.copyOf(problems);
        }
    }

    static Loaded read(Task task, Split split, DataFile file) {
        List<Problem> problems = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        Map<Long, Integer> positionOfIdx = new HashMap<>();
        List<RowReader.Row> rows = RowReader.read(file, problems);
        if (rows.isEmpty() && problems.isEmpty()) {
            // valid as a file, useless as a split: a run would fail later with "no examples to score"
            problems.add(Problem.error(file.name(), -1, "no records" + (file.format() == DataFile.Format.CSV ? " (only a header row)" : "")));
        }
        for (RowReader.Row row : rows) {
            Example e = example(task, split, file, row, problems, positionOfIdx);
            if (e != null) examples.add(e);
        }
        return new Loaded(examples, problems);
    }

    private static Example example(Task task, Split split, DataFile file, RowReader.Row row,
                                   List<Problem> problems, Map<Long, Integer> positionOfIdx) {
        String name = file.name();
        int at = row.position();
        JsonNode node = row.node();
        if (!node.isObject()) {
            problems.add(Problem.error(name, at, "must be a JSON object, got " + node.getNodeType().name().toLowerCase()));
            return null;
        }
        int before = problems.size();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String f : task.fields()) {
            String value = string(node, f, name, at, problems);
            if (value == null) continue;
            if (value.isBlank()) problems.add(Problem.warning(name, at, "field '" + f + "' is empty"));
            fields.put(f, value);
        }
        String output = string(node, Task.OUTPUT, name, at, problems);
        if (output != null) checkOutput(task, split, output, name, at, problems);
        OptionalInt idx = idx(node, file, at, problems, positionOfIdx);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals(Task.OUTPUT) && !key.equals(Task.IDX) && !task.fields().contains(key)) {
                problems.add(Problem.warning(name, at, "field '" + key + "' is not used by task " + task.name()
                        + " (fields: " + task.fields() + ", output, idx); ignored"));
            }
        }
        boolean broken = problems.subList(before, problems.size()).stream().anyMatch(Problem::isError);
        return broken ? null : new Example(at, idx, fields, output);
    }

    private static String string(JsonNode node, String field, String file, int at, List<Problem> problems) {
        JsonNode value = node.get(field);
        if (value == null) {
            problems.add(Problem.error(file, at, "missing field '" + field + "'"));
            return null;
        }
        if (!value.isTextual()) {
            problems.add(Problem.error(file, at, "field '" + field + "' must be a string, got " + value));
            return null;
        }
        return value.asText();
    }

    private static void checkOutput(Task task, Split split, String output, String file, int at, List<Problem> problems) {
        if (!task.isClassification()) {
            if (output.isBlank()) problems.add(Problem.error(file, at, "field 'output' is empty"));
        } else if (output.equals(Task.UNLABELLED) && split == Split.TEST) {
            problems.add(Problem.warning(file, at, "unlabelled (output \"-\"): kept and scored as wrong"));
        } else if (!task.labels().contains(output)) {
            problems.add(Problem.error(file, at, "field 'output' must be one of " + task.labels()
                    + ", got \"" + output + "\""));
        }
    }

    private static OptionalInt idx(JsonNode node, DataFile file, int at, List<Problem> problems,
                                   Map<Long, Integer> positionOfIdx) {
        JsonNode value = node.get(Task.IDX);
        if (value == null) return OptionalInt.empty();
        // CSV cells are all text: there an idx is a decimal string.
        boolean csvNumber = file.format() == DataFile.Format.CSV && value.asText().matches("\\d{1,9}");
        if (!(value.canConvertToInt() && value.isIntegralNumber() && value.asInt() >= 0) && !csvNumber) {
            problems.add(Problem.error(file.name(), at, "field 'idx' must be an integer >= 0, got " + value));
            return OptionalInt.empty();
        }
        int idx = csvNumber ? Integer.parseInt(value.asText()) : value.asInt();
        Integer first = positionOfIdx.putIfAbsent((long) idx, at);
        if (first != null) {
            problems.add(Problem.error(file.name(), at, "duplicate idx " + idx + " (also record " + first + ")"));
        }
        return OptionalInt.of(idx);
    }
}
