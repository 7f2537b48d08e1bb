package org.crossgen.cli;

import java.nio.file.Path;
import org.crossgen.study.StudyLayout;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spec and study folder of {@code study plan}, {@code run}, {@code run-cell} and {@code submit}. */
final class StudySpecOptions {
    @Parameters(paramLabel = "SPEC", description = "Study spec (YAML).")
    Path spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Study folder (default: runs/<spec name>); for Slurm, on a filesystem every node sees.")
    Path dir;

    /** Old spelling of {@code --out}, accepted for one release. */
    @Option(names = "--dir", hidden = true, paramLabel = "DIR")
    void oldDir(Path d) {
        dir = d;
    }

    /** {@code --out}, or {@code runs/<spec name>} under the current directory. */
    StudyLayout layout() {
        return StudyCommand.layout(spec, dir);
    }
}
