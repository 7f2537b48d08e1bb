package org.crossgen.prompt;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Which demonstrations go before a record: the vocabulary of {@code --sampler} and of a spec's
 * {@code sampler}, parsed once where it is read. {@link #id} is the first spelling; it is what
 * summaries and cell keys record, so existing study folders keep their keys.
 */
public enum Sampler {
    /** The paper's rule: the first k of the demonstration pool. */
    FIRST_K("paper", "first"),
    /** k distinct random demonstrations per record, never the record itself. */
    RANDOM("random");

    private final List<String> spellings;

    Sampler(String... spellings) {
        this.spellings = List.of(spellings);
    }

    /** The canonical spelling: {@code paper} or {@code random}. */
    public String id() {
        return spellings.get(0);
    }

    /** The sampler this names; {@code seed} seeds the random one (one generator per evaluation or training set). */
    public DemonstrationSampler demonstrations(long seed) {
        return this == RANDOM ? DemonstrationSampler.random(new Random(seed)) : DemonstrationSampler.paper();
    }

    /** {@code paper}, {@code first} or {@code random}; anything else is an error listing them. */
    public static Sampler parse(String value) {
        for (Sampler s : values()) if (s.spellings.contains(value)) return s;
        throw new IllegalArgumentException("unknown sampler \"" + value + "\"; known: "
                + String.join(", ", Arrays.stream(values()).flatMap(s -> s.spellings.stream()).toList()));
    }
}
