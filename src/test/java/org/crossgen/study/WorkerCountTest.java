package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.crossgen.data.TaskRegistry;
import org.crossgen.tensor.ComputeDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WorkerCount#auto}: one worker per core for a small model on the CPU, bounded by memory; else one. */
class WorkerCountTest {
    @TempDir Path tmp;
    private static final long GIB = 1L << 30;

    /** A Llama config: the built-in model's shape (4.8M parameters) or a 7B one. */
    private static String config(int hidden, int layers, int intermediate) {
        return """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32000, "hidden_size": %d,
                 "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "tie_word_embeddings": true}
                """.formatted(hidden, intermediate, layers);
    }

    private StudyPlan plan(String config, String training) throws Exception {
        StudyFixtures.fakeModel(tmp.resolve("m"), config);
        Path f = StudyFixtures.writeSpec(tmp, "s.yaml", """
                models: [m]
                train_datasets: [sentiment/amazon]
                methods: [base, ft]
                eval_sets: [sentiment/yelp]
                """ + training);
        return new Planner(TaskRegistry.paper(), ModelIdentity.inMemory()).plan(StudySpec.read(f, TaskRegistry.paper(), ModelLocator.NONE));
    }

    @Test
    void aSmallModelGetsOneWorkerPerCoreWithinMemory() throws Exception {
        StudyPlan tiny = plan(config(128, 4, 352), "");
        assertEquals(8, WorkerCount.auto(tiny, ComputeDevice.CPU, 8, 64 * GIB));
        // each worker is planned at 20 bytes per parameter plus 1 GiB: 3 GiB hold two
        assertEquals(2, WorkerCount.auto(tiny, ComputeDevice.CPU, 8, 3 * GIB));
        assertEquals(1, WorkerCount.auto(tiny, ComputeDevice.CPU, 1, 64 * GIB));
        assertEquals(1, WorkerCount.auto(tiny, new ComputeDevice("cuda"), 8, 64 * GIB));
    }

    @Test
    void aLargeModelOrMultiRankJobsGetOneWorker() throws Exception {
        assertEquals(1, WorkerCount.auto(plan(config(4096, 32, 11008), ""), ComputeDevice.CPU, 16, 512 * GIB));
        assertEquals(1, WorkerCount.auto(plan(config(128, 4, 352), "training:\n  ranks_per_job: 2\n"), ComputeDevice.CPU, 8, 64 * GIB));
    }

    @Test
    void threadsShareTheCores() {
        assertEquals(1, WorkerCount.threadsPerWorker(2, 2));
        assertEquals(4, WorkerCount.threadsPerWorker(16, 4));
        assertEquals(1, WorkerCount.threadsPerWorker(2, 3));
    }
}
