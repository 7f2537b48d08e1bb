package org.crossgen.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** {@code golden/models/stories260k_reference.json}: llama2.c's PyTorch outputs for stories260k. */
public record StoriesGolden(long[] inputIds, float[][] logits, long[] promptIds, long[] greedyIds) {
    public static StoriesGolden read() throws IOException {
        JsonNode j = new ObjectMapper().readTree(TestResources.path("golden/models/stories260k_reference.json").toFile());
        JsonNode lg = j.get("logits");
        float[][] logits = new float[lg.size()][];
        for (int t = 0; t < logits.length; t++) {
            logits[t] = new float[lg.get(t).size()];
            for (int v = 0; v < logits[t].length; v++) logits[t][v] = (float) lg.get(t).get(v).asDouble();
        }
        return new StoriesGolden(longs(j.get("input_ids")), logits, longs(j.get("greedy").get("prompt_ids")),
                longs(j.get("greedy").get("output_ids")));
    }

    private static long[] longs(JsonNode a) {
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asLong();
        return r;
    }
}
