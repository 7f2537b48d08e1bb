package org.crossgen.data;

import java.net.URL;
import java.util.Locale;

/**
 * A dataset file: a JSON array of records ({@code .json}), one JSON record per line
 * ({@code .jsonl}) or a CSV table with a header row ({@code .csv}).
 *
 * @param name what messages call it, e.g. {@code sentiment/amazon_test_500.json}
 * @param url  where it is read from: a classpath resource or a file
 */
public record DataFile(String name, URL url) {
    enum Format { JSON, JSONL, CSV }

    public DataFile {
        format(name);
    }

    Format format() {
        return format(name);
    }

    private static Format format(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsonl")) return Format.JSONL;
        if (lower.endsWith(".json")) return Format.JSON;
        if (lower.endsWith(".csv")) return Format.CSV;
        throw new IllegalArgumentException(name + ": unknown data format, known: .json (array), .jsonl, .csv");
    }

    @Override
    public String toString() {
        return name;
    }
}
