package org.crossgen.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.crossgen.data.TaskRegistry;
import org.junit.jupiter.api.Test;

/** studies/paper.yaml is the paper's grid: its counts are pinned here, and planning it needs no model on this machine. */
class StudyPlanCountsTest {
    @Test
    void thePapersGridPlansWithoutTheModel() {
        TaskRegistry registry = TaskRegistry.paper();
        StudySpec spec = StudySpec.readForPlan(Path.of("studies/paper.yaml"), registry, ModelLocator.NONE);
        StudyPlan plan = new Planner(registry, ModelIdentity.inMemory()).plan(spec);

        assertEquals(List.of("/path/to/Llama-2-7b-hf"), plan.absentModels());
        // 4 sets x 3 sizes x (ft + 2 FTICL k) + xsum x 1 size x 3
        assertEquals(4 * 3 * 3 + 3, plan.jobs().size());
        assertEquals(List.of("summary/xsum: 6 training jobs of size 4000, 6000 left out: the dataset has no training file of that size"
                + " (its sizes: [2000]; its PROVENANCE.md says why)"), plan.leftOut());
        // 40 models (base + 39) x 18 test sets x 2 templates x 4 shot counts
        assertEquals(40 * 18 * 2 * 4, plan.cells().size());
        assertEquals(5_760, plan.cells().size());
        assertEquals(Map.of("summary", List.of(4, 2, 1, 0), "question", List.of(4, 2, 1, 0), "sentiment", List.of(2, 4, 6, 0),
                "inference", List.of(3, 5, 7, 0), "detection", List.of(2, 4, 6, 0)), spec.evalShots());
        assertEquals(List.of("ft", "fticl3", "fticl5"), plan.jobs().stream().filter(j -> j.trainDataset().equals("inference/multinli")
                && j.trainSize() == 4000).map(j -> j.label().split(" ")[0]).toList());
        assertEquals(250, spec.limits().evalRecords());
        assertEquals(4096, spec.limits().maxLength());
        assertEquals(org.crossgen.prompt.PromptCompat.PAPER, spec.promptCompat());
        assertEquals(org.crossgen.prompt.PromptCompat.PAPER, plan.cells().get(0).eval().promptCompat());
    }
}
