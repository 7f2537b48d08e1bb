package org.crossgen.metrics;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The ROUGE variants {@link RougeScorer} computes, named as {@code rouge-score} names them. */
public enum RougeType {
    /** Unigram overlap, counts clipped. */
    ROUGE1("rouge1"),
    /** Bigram overlap, counts clipped. */
    ROUGE2("rouge2"),
    /** Longest common subsequence of the whole texts. */
    ROUGE_L("rougeL"),
    /** Summary-level LCS: texts split into sentences at newlines, union LCS per reference sentence. */
    ROUGE_LSUM("rougeLsum");

    private final String key;

    RougeType(String key) {
        this.key = key;
    }

    /** The name used by rouge-score and in crossgen's JSON output, e.g. {@code rougeLsum}. */
    public String key() {
        return key;
    }

    /** Looks a type up by its {@link #key()}; an unknown key is an error listing the known ones. */
    public static RougeType fromKey(String key) {
        for (RougeType t : values()) if (t.key.equals(key)) return t;
        throw new IllegalArgumentException("unknown ROUGE type \"" + key + "\"; known: "
                + Arrays.stream(values()).map(RougeType::key).collect(Collectors.joining(", ")));
    }
}
