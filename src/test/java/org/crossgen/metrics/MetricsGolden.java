package org.crossgen.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code golden/metrics/rouge_bleu_golden.json}: pairs scored by rouge-score 0.1.2 and sacreBLEU
 * 2.5.1 (see the README beside it). Shared by the metrics and CLI tests.
 */
public final class MetricsGolden {
    public static final String RESOURCE = "golden/metrics/rouge_bleu_golden.json";

    private MetricsGolden() {}

    /** The whole file as a JSON tree. */
    public static JsonNode read() {
        try (InputStream in = MetricsGolden.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("test resource missing: " + RESOURCE);
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden pairs as {@link TextPair}s, in file order. */
    public static List<TextPair> pairs(JsonNode golden) {
        List<TextPair> pairs = new ArrayList<>();
        for (JsonNode p : golden.get("pairs")) {
            pairs.add(new TextPair(p.get("reference").textValue(), p.get("hypothesis").textValue()));
        }
        return pairs;
    }
}
