package org.crossgen.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    @Test
    void aBuildWithoutGitSaysUnknownInsteadOfAPlaceholder() {
        // what resource filtering leaves when git.commit was never set: the placeholder itself
        Provenance.Build b = Provenance.Build.of(props("version", "0.1.0", "git.commit", "${git.commit}",
                "git.modified", "${git.modified}", "pytorch.version", "2.10.0-1.5.13"));
        assertEquals(new Provenance.Build("0.1.0", "unknown", "2.10.0", "2.10.0-1.5.13"), b);
        assertEquals("unknown", Provenance.Build.of(props("git.commit", "")).gitCommit());
        assertEquals("unknown", Provenance.Build.of(new Properties()).libtorch());
    }

    @Test
    void aModifiedCheckoutIsMarked() {
        assertEquals("0123456789ab-modified", Provenance.Build.of(props("git.commit", "0123456789ab", "git.modified", "1")).gitCommit());
        assertEquals("0123456789ab", Provenance.Build.of(props("git.commit", "0123456789ab", "git.modified", "0")).gitCommit());
    }

    /** This build's properties were filled in by Maven: a version, the bundled libtorch, and a commit when built from git. */
    @Test
    void thisBuildKnowsItsVersionAndLibtorch() {
        Provenance.Build b = Provenance.build();
        assertTrue(b.version().matches("\\d+\\.\\d+\\.\\d+.*"), b.version());
        assertTrue(b.pytorchArtifact().startsWith(b.libtorch() + "-"), b.toString());
        assertTrue(b.libtorch().matches("\\d+\\.\\d+\\.\\d+"), b.libtorch());
        assertTrue(b.gitCommit().matches("[0-9a-f]{12}(-modified)?|unknown"), b.gitCommit());
    }

    @Test
    void jsonRoundTripAndOneLine() throws Exception {
        Provenance p = new Provenance("0.1.0", "0123456789ab", "2.10.0", "cuda:0", "bf16");
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(json.createObjectNode().set(Provenance.FIELD, json.valueToTree(p)));
        assertEquals("{\"provenance\":{\"crossgen\":\"0.1.0\",\"git_commit\":\"0123456789ab\",\"libtorch\":\"2.10.0\","
                + "\"device\":\"cuda:0\",\"dtype\":\"bf16\"}}", text);
        assertEquals(Optional.of(p), Provenance.in(json.readTree(text)));
        assertEquals(json.valueToTree(p), json.valueToTree(p.toMap()));
        assertEquals(Optional.empty(), Provenance.in(json.readTree("{\"model\": \"m\"}")));
        assertEquals("crossgen 0.1.0 (git 0123456789ab), libtorch 2.10.0, cuda:0, bf16", p.line());
    }

    @Test
    void ofRecordsThisBuildOnADeviceAndDtype() {
        Provenance p = Provenance.of("cpu", "float32");
        Provenance.Build b = Provenance.build();
        assertEquals(new Provenance(b.version(), b.gitCommit(), b.libtorch(), "cpu", "float32"), p);
    }
}
