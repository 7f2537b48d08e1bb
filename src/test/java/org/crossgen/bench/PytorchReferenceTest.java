package org.crossgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PytorchReferenceTest {
    @Test
    void parsesTheResultLineOfRefLlama() throws IOException {
        String out = "[  3.10s] torch 1.13.0a0 threads=2 params=58,073,600 RSS=300MB\n"
                + "RESULT python bf16 median_step_s=4.200 peak_rss_mb=2700 fwd_bwd_tokens_per_s=912.4\n"
                + "total wall 30.00s\n";
        PytorchReference.Result r = PytorchReference.parse(out, "bf16");
        assertEquals(912.4, r.tokensPerS(), 0);
    }

    @Test
    void aResultOfAnotherModeOrNoneIsAnError() {
        IOException e = assertThrows(IOException.class, () -> PytorchReference.parse(
                "RESULT python train median_step_s=6.0 peak_rss_mb=2600 fwd_bwd_tokens_per_s=200.0\n", "bf16"));
        assertTrue(e.getMessage().startsWith("ref_llama.py bf16 printed no RESULT line"), e.getMessage());
        assertThrows(IOException.class, () -> PytorchReference.parse("Traceback ...\nKilled\n", "bf16"));
    }

    @Test
    void aMissingPythonIsReportedWithWhatEachCandidateAnswered() {
        IOException e = assertThrows(IOException.class, () -> PytorchReference.find(List.of("/nonexistent/python3", "false")));
        assertTrue(e.getMessage().startsWith("`/nonexistent/python3 -c \"import torch\"` could not start: "), e.getMessage());
        assertTrue(e.getMessage().contains("; `false -c \"import torch\"` exited with 1: (no output)"), e.getMessage());
    }
}
