package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Map;
import org.crossgen.data.TaskRegistry;
import org.crossgen.prompt.PromptCompat;
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

    /** The paper's rule: BOS + prompt + target + EOS right-truncated at the max length, the target cut; counted in fitting. */
    @Test
    void thePapersRuleCutsTheTargetAndCountsIt() {
        try (Tokenizer tokenizer = Tokenizer.mistral32k()) {
            var xsum = TaskRegistry.paper().dataset("summary/xsum");
            TrainingData paper = TrainingData.of(xsum, 2000, 0, 0, Sampler.FIRST_K, 1, 40, 512, tokenizer, PromptCompat.PAPER);
            TrainingData whole = TrainingData.of(xsum, 2000, 0, 0, Sampler.FIRST_K, 1, 40, 100_000, tokenizer, PromptCompat.PAPER);
            assertEquals(Map.of("rule", "paper", "prompts", 40, "truncated", 0, "target_tokens_cut", 0L, "examples_without_target", 0),
                    whole.fitting());
            int cutTargets = 0;
            long targetTokensCut = 0;
            int j = 0;
            for (SftExample full : whole.examples()) {
                if (full.length() <= 512) {
                    assertArrayEquals(full.targetIds(), paper.examples().get(j++).targetIds(), "an example that fits is unchanged");
                } else if (full.promptIds().length < 511) {
                    SftExample cut = paper.examples().get(j++);
                    assertEquals(512, cut.length(), "cut at the max length exactly");
                    assertArrayEquals(full.promptIds(), cut.promptIds(), "the prompt is kept whole");
                    assertArrayEquals(Arrays.copyOf(full.targetIds(), cut.targetIds().length), cut.targetIds(), "the target's start is kept");
                    cutTargets++;
                    targetTokensCut += full.targetIds().length - cut.targetIds().length;
                } else {
                    targetTokensCut += full.targetIds().length; // the prompt alone fills the budget: left out
                }
            }
            assertEquals(paper.examples().size(), j);
            int without = (int) paper.fitting().get("examples_without_target");
            assertEquals(40 - without, paper.examples().size());
            assertEquals(cutTargets + without, paper.truncated());
            assertTrue(paper.truncated() > 0, "xsum articles exceed 512 tokens");
            assertEquals(targetTokensCut, paper.fitting().get("target_tokens_cut"));
        }
    }
}
