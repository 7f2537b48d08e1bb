package org.crossgen.cli;

import java.util.List;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;

/** Option defaults and lookups shared by the data and prompt commands. */
final class CliDefaults {
    private CliDefaults() {}

    /** {@code size}, or the dataset's smallest training size when none is given. */
    static int trainSize(Dataset dataset, Integer size) {
        if (size != null) return size;
        if (dataset.train().isEmpty()) throw new IllegalArgumentException(dataset.id() + " has no training files");
        return dataset.train().firstKey();
    }

    /** The record at {@code index}; out of range names the valid range. */
    static Example at(List<Example> examples, int index, String what) {
        if (index < 0 || index >= examples.size()) {
            throw new IllegalArgumentException("--index " + index + " is out of range: " + what + " has records 0.."
                    + (examples.size() - 1));
        }
        return examples.get(index);
    }
}
