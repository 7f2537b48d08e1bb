package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.crossgen.data.TaskRegistry;
import org.crossgen.prompt.Sampler;
import org.crossgen.text.Tokenizer;
import org.junit.jupiter.api.Test;

class TrainingDataTest {
    /**
     * xsum training record 18 fits 512 tokens when prompt and target are counted apart, but not when
     * the target is tokenized in context (513): the budget shrinks until the example fits.
     */
    @Test
    void everyExampleFitsTheBudgetAfterInContextTokenization() {
        try (Tokenizer tokenizer = Tokenizer.mistral32k()) {
            for (int shots : new int[] {0, 1}) {
                TrainingData d = TrainingData.of(TaskRegistry.paper().dataset("summary/xsum"), 2000, 0, shots, Sampler.FIRST_K, 1, 40, 512, tokenizer);
                assertEquals(40, d.examples().size());
                for (int i = 0; i < d.examples().size(); i++) {
                    SftExample e = d.examples().get(i);
                    assertTrue(e.length() <= 512, "shots " + shots + ", record " + i + ": " + e.length() + " tokens");
                    assertTrue(e.targetIds().length > 0, "record " + i + " lost its target");
                }
                assertTrue(d.truncated() > 0, "xsum articles exceed 512 tokens, some prompts must be cut");
            }
        }
    }
}
