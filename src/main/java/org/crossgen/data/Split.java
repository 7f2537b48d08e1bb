package org.crossgen.data;

import java.util.Arrays;
import java.util.Locale;

/** The parts of a dataset: test records, training records (by size), and the demonstration pool. */
public enum Split {
    TEST, TRAIN, DEMOS;

    /** Name on the command line and in messages: {@code test}, {@code train}, {@code demos}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The split named {@code name}; an unknown name lists the known ones. */
    public static Split of(String name) {
        for (Split s : values()) if (s.cliName().equals(name)) return s;
        throw new IllegalArgumentException("unknown split \"" + name + "\", known: "
                + Arrays.stream(values()).map(Split::cliName).toList());
    }
}
