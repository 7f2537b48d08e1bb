package org.crossgen.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether {@code OPENBLAS_CORETYPE} holds OpenBLAS to older kernels than this CPU runs. OpenBLAS reads
 * the variable when the library loads, so crossgen cannot change it for a running process, and it does
 * not override a user's setting (clusters set it for a reason: mixed nodes, a kernel that misbehaves).
 * It says what the setting costs: on a 2-core AVX-512 EPYC, OpenBLAS's own choice (its Cooperlake
 * kernels) ran the quick study in 240-270 s where {@code OPENBLAS_CORETYPE=Haswell} took 319-380 s,
 * with the same results (docs/engine.md, OpenBLAS kernels).
 */
public final class OpenBlasCore {
    static final String VARIABLE = "OPENBLAS_CORETYPE";
    /** OpenBLAS's kernel families that use AVX-512 (its x86-64 core names, lower case). */
    private static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");

    private OpenBlasCore() {}

    /** The note for this process's environment and CPU ({@code /proc/cpuinfo}); null when there is nothing to say. */
    public static String note() {
        return note(System.getenv(), cpuFlags());
    }

    /**
     * A one-line note when {@code env} sets {@value #VARIABLE} to a kernel family without AVX-512 while
     * {@code cpuFlags} (the {@code flags} line of {@code /proc/cpuinfo}) include {@code avx512f}; else null.
     */
    static String note(Map<String, String> env, String cpuFlags) {
        String core = env.get(VARIABLE);
        if (core == null || core.isBlank() || cpuFlags == null) return null;
        if (AVX512_CORES.contains(core.trim().toLowerCase(Locale.ROOT))) return null;
        if (!Set.of(cpuFlags.trim().split("\\s+")).contains("avx512f")) return null;
        return VARIABLE + "=" + core.trim() + " holds OpenBLAS's float32 products to its " + core.trim() + " kernels on a CPU with "
                + "AVX-512; unset it to let OpenBLAS choose (on a 2-core EPYC the quick study ran 1.2-1.6x faster, with the "
                + "same results: docs/engine.md, OpenBLAS kernels)";
    }

    /**
     * The first {@code flags} line of {@code /proc/cpuinfo} (read up to it, not the other cores' entries);
     * null where there is none (not Linux, unreadable).
     */
    private static String cpuFlags() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst().map(l -> l.substring(l.indexOf(':') + 1)).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;   // no note without the CPU's flags
        }
    }
}
