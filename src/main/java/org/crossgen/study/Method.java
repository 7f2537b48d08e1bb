package org.crossgen.study;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * How a model of a study came to be: the base model as it is, or the base fine-tuned plainly (FT)
 * or with k demonstrations prepended to every training prompt (FTICL). Parsed once where a spec,
 * an option or a results file names it; its {@link #id} is the spelling in specs, job keys, the
 * results store and {@code results.json}, so it must never change.
 */
public enum Method {
    BASE("base"), FT("ft"), FTICL("fticl");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    /** {@code base}, {@code ft} or {@code fticl}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** Whether the model is a fine-tuned one (it has a training job). */
    public boolean fineTuned() {
        return this != BASE;
    }

    /** The method spelled {@code id}; an unknown spelling is an error listing the known ones. */
    @JsonCreator
    public static Method parse(String id) {
        for (Method m : values()) if (m.id.equals(id)) return m;
        throw new IllegalArgumentException("unknown method \"" + id + "\"; known: " + Arrays.stream(values()).map(Method::id).toList());
    }
}
