package org.crossgen.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The note about an OPENBLAS_CORETYPE older than the CPU: said only when both hold. */
class OpenBlasCoreTest {
    private static final String AVX512 = " fpu sse2 avx avx2 fma avx512f avx512dq avx512_bf16 ";
    private static final String AVX2 = " fpu sse2 avx avx2 fma ";

    @Test
    void anAvx2CoreTypeOnAnAvx512CpuIsNamed() {
        assertEquals("OPENBLAS_CORETYPE=Haswell holds OpenBLAS's float32 products to its Haswell kernels on a CPU with AVX-512; "
                        + "unset it to let OpenBLAS choose (on a 2-core EPYC the quick study ran 1.2-1.6x faster, with the same "
                        + "results: docs/engine.md, OpenBLAS kernels)",
                OpenBlasCore.note(Map.of("OPENBLAS_CORETYPE", "Haswell"), AVX512));
    }

    @Test
    void nothingToSayWithoutTheVariableOrAvx512OrWhenItNamesAnAvx512Core() {
        assertNull(OpenBlasCore.note(Map.of(), AVX512));
        assertNull(OpenBlasCore.note(Map.of("OPENBLAS_CORETYPE", " "), AVX512));
        assertNull(OpenBlasCore.note(Map.of("OPENBLAS_CORETYPE", "Haswell"), AVX2));
        assertNull(OpenBlasCore.note(Map.of("OPENBLAS_CORETYPE", "Haswell"), null), "no /proc/cpuinfo");
        assertNull(OpenBlasCore.note(Map.of("OPENBLAS_CORETYPE", "SkylakeX"), AVX512));
        assertNull(OpenBlasCore.note(Map.of("OPENBLAS_CORETYPE", "COOPERLAKE"), AVX512));
        assertNull(OpenBlasCore.note(Map.of("OPENBLAS_CORETYPE", "Haswell"), " avx512_bf16 avx512fp16 "), "avx512f itself");
    }
}
