package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code study plan --json} on the paper's spec, on a machine without the model; {@code study run} still refuses it. */
class StudyPlanJsonTest {
    @TempDir Path tmp;

    @Test
    void planOfThePapersGridAsJsonWithoutTheModel() throws Exception {
        CliRun plan = CliRun.of("study", "plan", "studies/paper.yaml", "--dir", tmp.resolve("p").toString(), "--json", "--brief");
        assertEquals(0, plan.exitCode(), plan.err());
        JsonNode j = new ObjectMapper().readTree(plan.out());
        assertEquals(39, j.get("training_jobs").asInt());
        assertEquals(5760, j.get("cells").asInt());
        assertEquals("[3,5,7,0]", j.at("/eval_shots/inference").toString());
        assertEquals("[2,4]", j.at("/fticl_shots/sentiment").toString());
        assertEquals("/path/to/Llama-2-7b-hf", j.at("/absent_models/0").asText());
        assertTrue(j.at("/left_out/0").asText().startsWith("summary/xsum: 6 training jobs of size 4000, 6000 left out"), j.toString());
        assertEquals(5760 * 250, j.at("/cost/eval_records").asLong());
        assertEquals("assumed", j.at("/left/eval/rate_source").asText());
        assertTrue(Files.notExists(tmp.resolve("p")), "planning creates no study folder");

        CliRun run = CliRun.of("study", "run", "studies/paper.yaml", "--dir", tmp.resolve("r").toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("models[0]: model folder not found: /path/to/Llama-2-7b-hf"), run.err());
    }
}
