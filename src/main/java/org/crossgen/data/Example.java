package org.crossgen.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One record of a dataset file.
 *
 * @param position 0-based position in its file; what {@code --index} and error messages count
 * @param idx      the file's own {@code idx} field, when it has one
 * @param fields   input fields by name, in the task's field order
 * @param output   the target: a label (or "-" for the paper's unlabelled test records) or a text
 */
public record Example(int position, OptionalInt idx, Map<String, String> fields, String output) {
    public Example {
        if (position < 0) throw new IllegalArgumentException("position must be >= 0, got " + position);
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        if (output == null) throw new IllegalArgumentException("output must not be null");
    }

    /** Value of input field {@code name}. */
    public String field(String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("record " + position + " has no field '" + name + "', fields: "
                    + fields.keySet());
        }
        return value;
    }

    /** What the record says, without where it sits: two records with equal content are the same example. */
    public Content content() {
        return new Content(fields, output);
    }

    /** The identity of an example by content (input fields and output). */
    public record Content(Map<String, String> fields, String output) {}
}
