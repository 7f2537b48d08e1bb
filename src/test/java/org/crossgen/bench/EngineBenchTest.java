package org.crossgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineBenchTest {
    @Test
    void environmentNamesTheLauncherSettingsInEffect() {
        assertEquals("environment: GLIBC_TUNABLES=glibc.malloc.mmap_max=0, OMP_WAIT_POLICY=PASSIVE",
                EngineBench.environment(Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_max=0", "OMP_WAIT_POLICY", "PASSIVE")));
    }

    @Test
    void environmentPointsAtTheLauncherWhenASettingIsMissing() {
        assertEquals("environment: GLIBC_TUNABLES=(unset), OMP_WAIT_POLICY=PASSIVE"
                        + " (./crossgen sets both: docs/engine.md, Threads and Memory pages)",
                EngineBench.environment(Map.of("OMP_WAIT_POLICY", "PASSIVE")));
    }
}
