package org.crossgen.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.crossgen.data.Example;

/**
 * Picks the k demonstrations shown before a record.
 *
 * <p>{@link #paper()} is the paper's rule: the first k records of the demonstration file, the same
 * for every record. It reproduces the paper, including its quirk that a demonstration may be the
 * evaluated record itself (all four cnn demonstrations are cnn test records).
 * {@link #random(RandomGenerator)} draws k distinct demonstrations for each record with the
 * caller's generator and never picks a demonstration with the evaluated record's content.
 */
public sealed interface DemonstrationSampler {
    /**
     * k demonstrations from {@code pool} for {@code evaluated}, in prompt order.
     *
     * @throws IllegalArgumentException if the pool is too small, naming its size
     */
    List<Example> sample(List<Example> pool, Example evaluated, int k);

    /** The paper's rule: the first k of the pool. */
    static DemonstrationSampler paper() {
        return new FirstK();
    }

    /** k distinct random demonstrations per record, never the evaluated one; draws from {@code rng}. */
    static DemonstrationSampler random(RandomGenerator rng) {
        return new RandomK(rng);
    }

    /** The first k of the pool. */
    record FirstK() implements DemonstrationSampler {
        @Override
        public List<Example> sample(List<Example> pool, Example evaluated, int k) {
            checkK(k, pool.size(), "");
            return List.copyOf(pool.subList(0, k));
        }
    }

    /** k distinct draws without replacement (partial Fisher-Yates), in draw order. */
    record RandomK(RandomGenerator rng) implements DemonstrationSampler {
        @Override
        public List<Example> sample(List<Example> pool, Example evaluated, int k) {
            List<Example> candidates = new ArrayList<>();
            for (Example e : pool) if (!e.content().equals(evaluated.content())) candidates.add(e);
            checkK(k, candidates.size(), candidates.size() < pool.size() ? " once the evaluated record is left out" : "");
            for (int i = 0; i < k; i++) {
                int j = i + rng.nextInt(candidates.size() - i);
                candidates.set(j, candidates.set(i, candidates.get(j)));
            }
            return List.copyOf(candidates.subList(0, k));
        }
    }

    private static void checkK(int k, int poolSize, String note) {
        if (k < 0) throw new IllegalArgumentException("shots must be >= 0, got " + k);
        if (k > poolSize) {
            throw new IllegalArgumentException(k + " demonstrations asked, but the pool has " + poolSize + note);
        }
    }
}
