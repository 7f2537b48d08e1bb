package org.crossgen.tensor;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Which crossgen, libtorch, device and dtype made a result; recorded in an evaluation's
 * {@code summary.json}, a training run's {@code run_card.json}, the study store and the report, so a
 * number can be traced to the code that made it. Version, git commit and libtorch version come from
 * {@code build.properties}, written by the build (resource filtering; the commit asked of git), so a
 * build without {@code .git} says {@value #UNKNOWN} instead of guessing.
 *
 * @param crossgen  crossgen's version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param gitCommit the commit built, 12 hex digits, with {@code -modified} when tracked files differed
 *                  from it; {@value #UNKNOWN} without git
 * @param libtorch  the libtorch version bundled, e.g. {@code 2.10.0}
 * @param device    where the model ran: {@code cpu}, {@code cuda:0}
 * @param dtype     the weights' dtype or training precision, e.g. {@code float32}, {@code bf16}
 */
public record Provenance(@JsonProperty("crossgen") String crossgen, @JsonProperty("git_commit") String gitCommit,
                         @JsonProperty("libtorch") String libtorch, @JsonProperty("device") String device,
                         @JsonProperty("dtype") String dtype) {
    public static final String UNKNOWN = "unknown";
    /** The JSON field that holds it in summaries, run cards and results. */
    public static final String FIELD = "provenance";

    private static final Build BUILD = Build.read();

    /** What was built: crossgen's version, its git commit, the bundled libtorch (org.bytedeco:pytorch's version). */
    public record Build(String version, String gitCommit, String libtorch, String pytorchArtifact) {
        static Build read() {
            Properties p = new Properties();
            try (InputStream in = Provenance.class.getResourceAsStream("build.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read crossgen's build.properties: " + e.getMessage(), e);
            }
            return of(p);
        }

        /** From build.properties' values; a value the build did not fill in reads as unknown. */
        static Build of(Properties p) {
            String commit = value(p, "git.commit");
            if (!commit.equals(UNKNOWN) && value(p, "git.modified").equals("1")) commit += "-modified";
            String artifact = value(p, "pytorch.version");
            // org.bytedeco versions are <libtorch version>-<JavaCPP version>: 2.10.0-1.5.13
            String libtorch = artifact.equals(UNKNOWN) ? UNKNOWN : artifact.replaceFirst("-[^-]*$", "");
            return new Build(value(p, "version"), commit, libtorch, artifact);
        }

        private static String value(Properties p, String key) {
            String v = p.getProperty(key, "").strip();
            return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
        }
    }

    /** This build. */
    public static Build build() {
        return BUILD;
    }

    /** This build, running on {@code device} in {@code dtype}. */
    public static Provenance of(String device, String dtype) {
        return new Provenance(BUILD.version(), BUILD.gitCommit(), BUILD.libtorch(), device, dtype);
    }

    /** The {@value #FIELD} object of a summary, run card or results file, if it has one. */
    public static Optional<Provenance> in(JsonNode document) {
        JsonNode p = document.path(FIELD);
        if (!p.isObject()) return Optional.empty();
        return Optional.of(new Provenance(text(p, "crossgen"), text(p, "git_commit"), text(p, "libtorch"), text(p, "device"),
                text(p, "dtype")));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText(UNKNOWN);
    }

    /** Field by field, in JSON's names and order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("crossgen", crossgen);
        m.put("git_commit", gitCommit);
        m.put("libtorch", libtorch);
        m.put("device", device);
        m.put("dtype", dtype);
        return m;
    }

    /** One line: {@code crossgen 0.1.0 (git 0123456789ab), libtorch 2.10.0, cpu, float32}. */
    public String line() {
        return "crossgen " + crossgen + " (git " + gitCommit + "), libtorch " + libtorch + ", " + device + ", " + dtype;
    }
}
