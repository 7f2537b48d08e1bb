package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.List;
import org.crossgen.data.TaskRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training-job and cell keys name checkpoint folders and rows of existing study folders: a change
 * to what is hashed (or how a setting is spelled in the hash) silently orphans every finished
 * result. These keys were computed before settings became enums; they must never change.
 */
class KeyPinTest {
    @TempDir Path tmp;

    static final String SPEC = """
            models: [tiny]
            train_datasets: [sentiment/amazon]
            methods: [base, ft, fticl]
            fticl_shots: [2]
            eval_sets: [sentiment/yelp, summary/xsum]
            templates: [1]
            eval_shots: [0, 2]
            sampler: random
            dtype: bfloat16
            training: {schedule: cosine, warmup_ratio: 0.1}
            lora: {r: 4}
            """;

    /** The defaults: paper sampler, float32, linear schedule, full fine-tuning. */
    static final String DEFAULTS = """
            models: [tiny]
            train_datasets: [sentiment/amazon]
            methods: [base, ft]
            eval_sets: [sentiment/yelp]
            templates: [0]
            eval_shots: [1]
            """;

    private StudyPlan plan(String yaml) throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("tiny"), "{}");
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", yaml);
        return new Planner(TaskRegistry.paper(), ModelIdentity.inMemory()).plan(StudySpec.read(f, TaskRegistry.paper(), ModelLocator.NONE));
    }

    private static List<String> cellKeys(StudyPlan plan) {
        return plan.cells().stream().map(c -> c.key().substring(0, 16) + " " + c.label()).toList();
    }

    @Test
    void keysOfASpecWithEverySettingChangedStayTheSame() throws Exception {
        StudyPlan plan = plan(SPEC);
        assertEquals(List.of("b6391c7468ae71c97afe800d9a8dc715db1363cf32b1144a5742a9bc22302de4",
                "f7d22af1f633f13d40c21c19a8de5a76ee0ae8d7ff9ae7efeaf17440ec95f458"), plan.jobs().stream().map(TrainingJob::key).toList());
        assertEquals(List.of(
                "a90e43d61f6b4412 base tiny -> sentiment/yelp t1 k0",
                "86fccf98fdac3a0a base tiny -> sentiment/yelp t1 k2",
                "deb0f24306d7b170 base tiny -> summary/xsum t1 k0",
                "dd918a681e6550c0 base tiny -> summary/xsum t1 k2",
                "a26132e2ab4ae5f4 ft sentiment/amazon n=2000 seed=1 -> sentiment/yelp t1 k0",
                "06c457acd3a5c45b ft sentiment/amazon n=2000 seed=1 -> sentiment/yelp t1 k2",
                "33979eea27281571 ft sentiment/amazon n=2000 seed=1 -> summary/xsum t1 k0",
                "815b3e1ccc05c8b7 ft sentiment/amazon n=2000 seed=1 -> summary/xsum t1 k2",
                "c500e4784cd3c3cf fticl2 sentiment/amazon n=2000 seed=1 -> sentiment/yelp t1 k0",
                "24225e93f744f3f0 fticl2 sentiment/amazon n=2000 seed=1 -> sentiment/yelp t1 k2",
                "6cb174c561869404 fticl2 sentiment/amazon n=2000 seed=1 -> summary/xsum t1 k0",
                "0a0fcaae9c8c867b fticl2 sentiment/amazon n=2000 seed=1 -> summary/xsum t1 k2"), cellKeys(plan));
    }

    @Test
    void keysOfTheDefaultSettingsStayTheSame() throws Exception {
        StudyPlan plan = plan(DEFAULTS);
        assertEquals(List.of("6a336604b8fd3367c069b1b97ac4f7cf4bca4f0d89afe18e4ab34a68ce455607"),
                plan.jobs().stream().map(TrainingJob::key).toList());
        assertEquals(List.of("eafa72294f10e74a base tiny -> sentiment/yelp t0 k1",
                "7e43e8bfc259e773 ft sentiment/amazon n=2000 seed=1 -> sentiment/yelp t0 k1"), cellKeys(plan));
    }

    /**
     * training.gpus_per_job: 1 and activation checkpointing (exact recomputation) keep the key of the
     * defaults; several ranks and a ZeRO stage (sums in another order) make new ones, the same under
     * either name of the setting.
     */
    @Test
    void ranksChangeTheJobKeyOnlyWhenThereAreSeveral() throws Exception {
        String defaults = plan(DEFAULTS).jobs().get(0).key();
        assertEquals(defaults, plan(DEFAULTS + "training: {gpus_per_job: 1, activation_checkpointing: true}\n").jobs().get(0).key());
        String two = plan(DEFAULTS + "training: {gpus_per_job: 2}\n").jobs().get(0).key();
        assertEquals(two, plan(DEFAULTS + "training: {ranks_per_job: 2}\n").jobs().get(0).key());
        String zero = plan(DEFAULTS + "training: {ranks_per_job: 2, zero: 2}\n").jobs().get(0).key();
        assertEquals(3, java.util.Set.of(defaults, two, zero).size(), "1 rank, 2 ranks and 2 ranks with ZeRO-2 have distinct keys");
        assertEquals("0326e40b", two.substring(0, 8));   // pinned when the setting was added
    }

    /** A setting added later is hashed only when it is not its default: prompt_compat: paper makes new keys, crossgen the pinned ones. */
    @Test
    void promptCompatChangesKeysOnlyWhenNotTheDefault() throws Exception {
        StudyPlan plain = plan(DEFAULTS), crossgen = plan(DEFAULTS + "prompt_compat: crossgen\n"), paper = plan(DEFAULTS + "prompt_compat: paper\n");
        assertEquals(cellKeys(plain), cellKeys(crossgen));
        assertEquals(plain.jobs().get(0).key(), crossgen.jobs().get(0).key());
        for (int i = 0; i < plain.cells().size(); i++) assertNotEquals(plain.cells().get(i).key(), paper.cells().get(i).key());
        assertNotEquals(plain.jobs().get(0).key(), paper.jobs().get(0).key());
    }
}
