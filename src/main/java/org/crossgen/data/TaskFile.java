package org.crossgen.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crossgen.files.InputFiles;

/**
 * A task file: YAML that defines a task and its datasets, or adds datasets to a known task. A
 * file may hold several such documents separated by {@code ---}. The format, key by key (see
 * {@code examples/topic/topic.yaml} and the shipped {@code datasets/generalization-ft-llm/tasks.yaml}):
 *
 * <pre>
 * task: topic                   # task name; an existing task gets the datasets below added
 * fields: [input]               # input fields in template order; every record also has 'output'
 * labels: [world, sports]       # classification: the label set; leave out for a generation task
 * metrics: [accuracy]           # accuracy (classification) or rougeL, bleu (generation)
 * templates:                    # template ids 0, 1, ...: {field} placeholders, target follows
 *   - "### Input:\n{input}\n### Topic:"
 * datasets:                     # the first dataset of a new task is its in-domain set
 *   - name: news
 *     test: news_test.jsonl     # paths are relative to this file; .json (array), .jsonl or .csv
 *     demos: news_demos.json    # optional demonstration pool (the paper takes the first k)
 *     train_200: news_train.csv # optional training files, train_&lt;nominal size&gt;
 * </pre>
 *
 * An unknown key is an error listing the known keys. Adding datasets to an existing task leaves
 * out fields, labels, metrics and templates.
 */
final class TaskFile {
    static final List<String> TASK_KEYS = List.of("task", "fields", "labels", "metrics", "templates", "datasets");
    static final List<String> DATASET_KEYS = List.of("name", "test", "demos", "train_<size>");

    /** A key given twice is an error: YAML would silently keep the last value. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** One document: the task it names, the task itself when the document defines it (else null), its datasets. */
    record Entry(String taskName, Task newTask, List<DatasetSpec> datasets) {}

    /** A dataset as written, its files resolved against the task file's location. */
    record DatasetSpec(String name, DataFile test, Map<Integer, DataFile> train, DataFile demos) {}

    private final String displayName;
    private final URL url;
    private final String displayDir;

    /**
     * @param displayName the file as messages name it
     * @param url         where to read it; data paths resolve against it
     * @param displayDir  prefix for data file names in messages ("" or ending in '/')
     */
    TaskFile(String displayName, URL url, String displayDir) {
        this.displayName = displayName;
        this.url = url;
        this.displayDir = displayDir;
    }

    /** The file as messages name it. */
    String name() {
        return displayName;
    }

    /** Parses every document; any problem is an {@link IllegalArgumentException} naming the file. */
    List<Entry> read() {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = url.openStream(); MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(in)) {
            int doc = 0;
            while (docs.hasNextValue()) { // unlike hasNext(), reports a parse error as the IOException it is
                JsonNode node = docs.nextValue();
                doc++;
                if (node == null || node.isNull() || node.isMissingNode()) continue;
                entries.add(entry(node, doc));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(displayName + ": " + (at == null ? "" : "line " + at.getLineNr() + ": ")
                    + "not valid YAML: " + InputFiles.message(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(displayName + ": cannot read task file: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) throw new IllegalArgumentException(displayName + ": no task in the file");
        return entries;
    }

    private Entry entry(JsonNode node, int doc) {
        String where = displayName + (doc > 1 ? " (document " + doc + ")" : "") + ": ";
        if (!node.isObject()) throw new IllegalArgumentException(where + "must be a mapping of " + TASK_KEYS);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TASK_KEYS.contains(key)) {
                throw new IllegalArgumentException(where + "unknown key '" + key + "', known: " + TASK_KEYS);
            }
        }
        String taskName = text(node, "task", where);
        boolean definesTask = node.has("fields") || node.has("labels") || node.has("metrics") || node.has("templates");
        Task task = null;
        if (definesTask) {
            List<String> fields = strings(node, "fields", where);
            List<String> labels = optionalStrings(node, "labels", where);
            List<String> metrics = strings(node, "metrics", where);
            List<String> templates = strings(node, "templates", where);
            try {
                task = new Task(taskName, fields, labels, metrics, templates);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        JsonNode list = node.get("datasets");
        List<DatasetSpec> datasets = new ArrayList<>();
        if (list != null) {
            if (!list.isArray()) throw new IllegalArgumentException(where + "'datasets' must be a list of " + DATASET_KEYS);
            for (int i = 0; i < list.size(); i++) datasets.add(dataset(list.get(i), where + "datasets[" + i + "]: "));
        }
        return new Entry(taskName, task, datasets);
    }

    private DatasetSpec dataset(JsonNode node, String where) {
        if (!node.isObject()) throw new IllegalArgumentException(where + "must be a mapping of " + DATASET_KEYS);
        Map<Integer, DataFile> train = new TreeMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.matches("train_[1-9][0-9]{0,8}")) {
                train.put(Integer.parseInt(key.substring("train_".length())), file(node, key, where));
            } else if (!DATASET_KEYS.contains(key)) {
                throw new IllegalArgumentException(where + "unknown key '" + key + "', known: " + DATASET_KEYS);
            }
        }
        DataFile demos = node.has("demos") ? file(node, "demos", where) : null;
        return new DatasetSpec(text(node, "name", where), file(node, "test", where), train, demos);
    }

    private DataFile file(JsonNode node, String key, String where) {
        String path = text(node, key, where);
        try {
            return new DataFile(displayDir + path, new URL(url, path));
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "'" + key + "': " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + "'" + key + "' must be a non-empty string, got "
                    + (value == null ? "nothing" : value.toString()));
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null) throw new IllegalArgumentException(where + "missing '" + key + "'");
        return stringList(value, key, where);
    }

    private static List<String> optionalStrings(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        return value == null ? List.of() : stringList(value, key, where);
    }

    private static List<String> stringList(JsonNode value, String key, String where) {
        if (value.isTextual()) return List.of(value.asText()); // "metrics: accuracy" is a list of one
        if (!value.isArray()) throw new IllegalArgumentException(where + "'" + key + "' must be a list of strings, got " + value);
        List<String> out = new ArrayList<>();
        for (JsonNode v : value) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where + "'" + key + "' must hold strings, got " + v
                        + (v.isBoolean() ? " (YAML reads bare yes/no/on/off as booleans: quote them)" : ""));
            }
            out.add(v.asText());
        }
        return out;
    }
}
