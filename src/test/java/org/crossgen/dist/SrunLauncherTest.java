package org.crossgen.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SrunLauncherTest {
    @Test
    void startsTheRanksOnOneNodeOneGpuEachAndPassesTheCpusOn() {
        assertEquals(List.of("srun", "--nodes=1", "--ntasks=4", "--ntasks-per-node=4", "--kill-on-bad-exit=1", "--cpus-per-task=8",
                "--gpus-per-task=1"), new SrunLauncher(4, true, Map.of("SLURM_CPUS_PER_TASK", "8")).srunOptions());
        assertEquals(List.of("srun", "--nodes=1", "--ntasks=2", "--ntasks-per-node=2", "--kill-on-bad-exit=1"),
                new SrunLauncher(2, false, Map.of()).srunOptions());
    }
}
