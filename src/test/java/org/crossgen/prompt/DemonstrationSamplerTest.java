package org.crossgen.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.crossgen.data.Dataset;
import org.crossgen.data.Example;
import org.crossgen.data.TaskRegistry;
import org.junit.jupiter.api.Test;

class DemonstrationSamplerTest {
    private static final TaskRegistry PAPER = TaskRegistry.paper();

    @Test
    void paperRuleTakesTheFirstKEvenWhenOneIsTheEvaluatedRecord() {
        Dataset cnn = PAPER.dataset("summary/cnn");
        List<Example> pool = cnn.demonstrations();
        Example test340 = cnn.testExamples().get(340); // cnn demonstration 0 is test record 340
        assertEquals(pool.get(0).content(), test340.content());
        assertEquals(pool.subList(0, 2), DemonstrationSampler.paper().sample(pool, test340, 2));
    }

    @Test
    void samplerVocabularyIsParsedOnceWithItsSpellings() {
        assertEquals(Sampler.FIRST_K, Sampler.parse("paper"));
        assertEquals(Sampler.FIRST_K, Sampler.parse("first"));
        assertEquals("paper", Sampler.FIRST_K.id()); // the spelling in cell keys and summaries
        assertEquals(new DemonstrationSampler.FirstK(), Sampler.FIRST_K.demonstrations(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sampler.parse("Random"));
        assertEquals("unknown sampler \"Random\"; known: paper, first, random", e.getMessage());
        Dataset cnn = PAPER.dataset("summary/cnn");
        Example test340 = cnn.testExamples().get(340);
        assertEquals(DemonstrationSampler.random(new Random(5)).sample(cnn.demonstrations(), test340, 3),
                Sampler.RANDOM.demonstrations(5).sample(cnn.demonstrations(), test340, 3));
    }

    @Test
    void tooManyShotsNameThePoolSize() {
        Dataset tweetqa = PAPER.dataset("question/tweetqa");
        PromptBuilder builder = new PromptBuilder(PromptTemplate.of(tweetqa.task(), 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.demonstrations(tweetqa, builder.pool(tweetqa, 5), tweetqa.testExamples().get(0), 5, DemonstrationSampler.paper()));
        assertEquals("question/tweetqa (question/few_shot/tweetqa_few_shot.json): 5 demonstrations asked, but the pool has 4",
                e.getMessage());
        Dataset snli = PAPER.dataset("inference/snli");
        e = assertThrows(IllegalArgumentException.class,
                () -> new PromptBuilder(PromptTemplate.of(snli.task(), 0)).pool(snli, 1));
        assertEquals("inference/snli has no demonstration pool; use 0 shots", e.getMessage());
    }

    @Test
    void randomSamplerNeverPicksTheEvaluatedRecordAndIsSeeded() {
        Dataset cnn = PAPER.dataset("summary/cnn");
        List<Example> pool = cnn.demonstrations();
        Example test340 = cnn.testExamples().get(340);
        for (int seed = 0; seed < 50; seed++) {
            List<Example> picked = DemonstrationSampler.random(new Random(seed)).sample(pool, test340, 3);
            assertEquals(3, new HashSet<>(picked).size());
            assertFalse(picked.stream().anyMatch(d -> d.content().equals(test340.content())), "seed " + seed);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemonstrationSampler.random(new Random(1)).sample(pool, test340, 4));
        assertEquals("4 demonstrations asked, but the pool has 3 once the evaluated record is left out", e.getMessage());
    }

    @Test
    void sameSeedSameDemonstrations() {
        Dataset amazon = PAPER.dataset("sentiment/amazon");
        List<Example> pool = amazon.demonstrations();
        Example record = amazon.testExamples().get(0);
        List<Example> a = DemonstrationSampler.random(new Random(7)).sample(pool, record, 4);
        List<Example> b = DemonstrationSampler.random(new Random(7)).sample(pool, record, 4);
        assertEquals(a, b);
        assertNotEquals(pool.subList(0, 4), a); // not simply the paper's first four
    }
}
