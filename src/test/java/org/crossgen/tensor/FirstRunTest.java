package org.crossgen.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.crossgen.files.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first run from an empty JavaCPP cache must not crash, even when the linker can see another
 * libtorch (Debian's libtorch-dev): without the pre-extraction in {@link Torch#init} such a run
 * died with SIGSEGV 4 times out of 5 here. Runs a child JVM with a fresh cache directory.
 */
class FirstRunTest {
    @TempDir Path cache;

    @Test
    void firstRunFromEmptyCacheLoadsLibtorch() throws Exception {
        boolean systemLibtorch = Stream.of("/usr/lib/x86_64-linux-gnu/libtorch_cpu.so", "/usr/lib/libtorch_cpu.so")
                .anyMatch(p -> Files.exists(Path.of(p)));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Dorg.bytedeco.javacpp.cachedir=" + cache, "-cp",
                System.getProperty("java.class.path"), NativeWarmup.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assertEquals(0, code, "first run (system libtorch present: " + systemLibtorch + ") exited " + code + ":\n" + out);
        assertTrue(out.contains("libtorch ok: sum(ones(2,2)) = 4.0"), out);
        FileTrees.delete(cache);
    }

}
