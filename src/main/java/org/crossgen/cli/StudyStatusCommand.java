package org.crossgen.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.crossgen.study.ResultStore;
import org.crossgen.study.StudySpec;
import org.crossgen.study.StudyStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Done, running, failed and left work per phase of a study, with an ETA.")
final class StudyStatusCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;

    @Parameters(paramLabel = "SPEC|DIR", description = "The study spec (its folder is runs/<name> or --dir) or the study folder.")
    Path target;

    @Option(names = "--dir", paramLabel = "DIR", description = "Study folder of SPEC (default: runs/<spec name>).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path folder = Files.isDirectory(target) ? target : dir != null ? dir : StudySpec.defaultDir(target);
        if (!ResultStore.exists(folder)) {
            throw new IllegalArgumentException("no study in " + folder + " (no " + ResultStore.FILE + "); start it with crossgen study run");
        }
        try (ResultStore store = ResultStore.open(folder)) {
            study.root.out().println(folder);
            study.root.out().println(StudyStatus.of(store).format());
        }
        return 0;
    }
}
