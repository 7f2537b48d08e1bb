package org.crossgen.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out DIR}, a study's folder, with {@code --dir}, its old spelling, accepted for one release. */
final class StudyFolderOption {
    @Option(names = "--out", paramLabel = "DIR",
            description = "Study folder (default: runs/<spec name>); for Slurm, on a filesystem every node sees.")
    Path dir;

    @Option(names = "--dir", hidden = true, paramLabel = "DIR")
    void oldDir(Path d) {
        dir = d;
    }
}
