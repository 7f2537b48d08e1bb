package org.crossgen.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task: which fields its records have, what the model must produce and how it is scored.
 *
 * <p>A classification task has a label set and is scored by accuracy; a generation task has no
 * labels and is scored by ROUGE-L and BLEU. Every record has the task's input {@code fields}
 * plus the target field {@link #OUTPUT}. A test record labelled {@link #UNLABELLED} ("-", the
 * paper's unlabelled records) is kept and always scored wrong, because a prediction is always
 * one of the labels.
 *
 * @param name      task name, e.g. {@code sentiment}
 * @param fields    input fields in template order, e.g. {@code [input_1, input_2]}
 * @param labels    label set of a classification task; empty for a generation task
 * @param metrics   metric names, each in {@link #KNOWN_METRICS}
 * @param templates prompt templates by id (0, 1, ...); {@code {field}} placeholders, the target
 *                  follows the filled template directly
 */
public record Task(String name, List<String> fields, List<String> labels, List<String> metrics,
                   List<String> templates) {
    /** The target field of every record. */
    public static final String OUTPUT = "output";
    /** Optional integer record id kept from the source file. */
    public static final String IDX = "idx";
    /** The paper's label for unlabelled test records. */
    public static final String UNLABELLED = "-";
    /** Metrics crossgen knows: accuracy for classification, rougeL and bleu for generation. */
    public static final List<String> KNOWN_METRICS = List.of("accuracy", "rougeL", "bleu");
    /** A template placeholder: {@code {field}}. */
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    public Task {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name must match " + NAME + ", got \"" + name + "\"");
        }
        fields = List.copyOf(fields);
        labels = List.copyOf(labels);
        metrics = List.copyOf(metrics);
        templates = List.copyOf(templates);
        String where = "task " + name + ": ";
        if (fields.isEmpty()) throw new IllegalArgumentException(where + "needs at least one input field");
        for (String f : fields) {
            if (f.equals(OUTPUT) || f.equals(IDX) || !NAME.matcher(f).matches()) {
                throw new IllegalArgumentException(where + "bad input field name \"" + f
                        + "\" ('output' and 'idx' are reserved)");
            }
        }
        if (Set.copyOf(fields).size() != fields.size()) throw new IllegalArgumentException(where + "repeated field in " + fields);
        if (Set.copyOf(labels).size() != labels.size()) throw new IllegalArgumentException(where + "repeated label in " + labels);
        if (labels.contains(UNLABELLED)) throw new IllegalArgumentException(where + "\"-\" means unlabelled and cannot be a label");
        if (metrics.isEmpty()) throw new IllegalArgumentException(where + "needs at least one metric of " + KNOWN_METRICS);
        for (String m : metrics) {
            if (!KNOWN_METRICS.contains(m)) {
                throw new IllegalArgumentException(where + "unknown metric \"" + m + "\", known: " + KNOWN_METRICS);
            }
            if (m.equals("accuracy") == labels.isEmpty()) {
                throw new IllegalArgumentException(where + "metric " + m + (labels.isEmpty()
                        ? " needs a label set" : " is for generation tasks (this task has labels)"));
            }
        }
        if (templates.isEmpty()) throw new IllegalArgumentException(where + "needs at least one template");
        for (int id = 0; id < templates.size(); id++) {
            List<String> used = placeholders(templates.get(id));
            for (String p : used) {
                if (!fields.contains(p)) {
                    throw new IllegalArgumentException(where + "template " + id + " has placeholder {" + p
                            + "}, but the task's fields are " + fields);
                }
            }
            for (String f : fields) {
                if (!used.contains(f)) {
                    throw new IllegalArgumentException(where + "template " + id + " never uses field {" + f + "}");
                }
            }
        }
    }

    /** True for a task with a label set (scored by accuracy). */
    public boolean isClassification() {
        return !labels.isEmpty();
    }

    /** Template text by id. */
    public String template(int id) {
        if (id < 0 || id >= templates.size()) {
            throw new IllegalArgumentException("task " + name + " has templates 0.." + (templates.size() - 1)
                    + ", got " + id);
        }
        return templates.get(id);
    }

    /** Placeholder names in {@code template}, in order of appearance. */
    static List<String> placeholders(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) names.add(m.group(1));
        return names;
    }
}
