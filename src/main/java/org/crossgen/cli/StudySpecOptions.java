package org.crossgen.cli;

import java.nio.file.Path;
import org.crossgen.study.StudyLayout;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The spec and study folder of {@code study plan}, {@code run}, {@code run-cell} and {@code submit}. */
final class StudySpecOptions {
    @Parameters(paramLabel = "SPEC", description = "Study spec (YAML).")
    Path spec;

    @Mixin StudyFolderOption folder;

    /** {@code --out}, or {@code runs/<spec name>} under the current directory. */
    StudyLayout layout() {
        return StudyCommand.layout(spec, folder.dir);
    }
}
