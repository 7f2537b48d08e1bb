package org.crossgen.prompt;

import java.util.Map;
import java.util.regex.Matcher;
import org.crossgen.data.Example;
import org.crossgen.data.Task;

/**
 * One of a task's prompt templates: the paper's ids 0 and 1 ({@code prompt_map.json}), or a
 * user's from a task file. Filling replaces each {@code {field}} placeholder with the record's
 * field in one pass, so braces inside a record's text are never read as placeholders. The target
 * follows the filled template directly, with no added space.
 *
 * @param task the task whose fields the placeholders name
 * @param id   the template's index in {@link Task#templates()}
 */
public record PromptTemplate(Task task, int id) {
    public PromptTemplate {
        task.template(id); // rejects an unknown id, naming the known ones
    }

    /** Template {@code id} of {@code task}. */
    public static PromptTemplate of(Task task, int id) {
        return new PromptTemplate(task, id);
    }

    /** The template text with its placeholders. */
    public String text() {
        return task.template(id);
    }

    /** The template filled with {@code example}'s input fields. */
    public String fill(Example example) {
        return fill(example.fields());
    }

    /** The template filled with {@code fields} (each placeholder must be among them). */
    String fill(Map<String, String> fields) {
        Matcher m = Task.PLACEHOLDER.matcher(text());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = fields.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("template " + id + " of task " + task.name() + " needs field '"
                        + m.group(1) + "', record has " + fields.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
