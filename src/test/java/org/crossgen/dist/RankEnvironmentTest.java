package org.crossgen.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RankEnvironmentTest {
    @Test
    void readsTorchrunVariables() {
        RankEnvironment e = RankEnvironment.of(Map.of("RANK", "3", "WORLD_SIZE", "8", "LOCAL_RANK", "1", "MASTER_ADDR", "node7",
                "MASTER_PORT", "29400"));
        assertEquals(new RankEnvironment(3, 8, 1, "node7", 29400), e);
        assertEquals(e, RankEnvironment.of(e.toEnvironment()));
    }

    @Test
    void readsSlurmVariablesWithTheMasterOnTheJobsFirstNode() {
        RankEnvironment e = RankEnvironment.of(Map.of("SLURM_PROCID", "5", "SLURM_NTASKS", "8", "SLURM_LOCALID", "1",
                "SLURM_JOB_NODELIST", "gpu[03-05,07],cpu1", "SLURM_JOB_ID", "123456"));
        assertEquals(new RankEnvironment(5, 8, 1, "gpu03", 20000 + 123456 % 20000), e);
        assertEquals("a1", RankEnvironment.firstHost("a1,b2"));
        assertEquals("node1", RankEnvironment.firstHost("node1"));
        assertEquals("n007", RankEnvironment.firstHost("n[007-009]"));
        assertEquals(RankEnvironment.SINGLE, RankEnvironment.of(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "1")));
    }

    @Test
    void noVariablesIsOneRankAndBadOnesAreNamed() {
        assertEquals(RankEnvironment.SINGLE, RankEnvironment.of(Map.of()));
        var missing = assertThrows(IllegalArgumentException.class, () -> RankEnvironment.of(Map.of("RANK", "0")));
        assertEquals("environment variable WORLD_SIZE is not set (set: [RANK])", missing.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> RankEnvironment.of(Map.of("RANK", "2", "WORLD_SIZE", "2")));
        assertEquals("RANK must be in [0, 2), got 2", range.getMessage());
        var text = assertThrows(IllegalArgumentException.class, () -> RankEnvironment.of(Map.of("RANK", "x", "WORLD_SIZE", "2")));
        assertEquals("environment variable RANK is not an integer: \"x\"", text.getMessage());
    }

    @Test
    void launcherDescribesHowARankEnded() {
        assertEquals("was killed by signal 9 (SIGKILL)", LocalLauncher.describe(137));
        assertEquals("exited with code 1", LocalLauncher.describe(1));
        assertEquals("was killed by signal 15 (SIGTERM)", LocalLauncher.describe(143));
    }
}
