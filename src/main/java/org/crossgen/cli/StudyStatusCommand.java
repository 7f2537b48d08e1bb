package org.crossgen.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.crossgen.study.ResultStore;
import org.crossgen.study.StudyLayout;
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
        if (!Files.exists(target)) throw new IllegalArgumentException("no such file or folder: " + target + " (give a study spec or a study folder)");
        Path folder = Files.isDirectory(target) ? target : StudyCommand.layout(target, dir).dir();
        if (!ResultStore.exists(folder)) {
            throw new IllegalArgumentException("no study in " + folder + " (no " + new StudyLayout(folder).store().getFileName()
                    + "); start it with crossgen study run");
        }
        try (ResultStore store = ResultStore.open(folder)) {
            study.root.out().println(folder);
            study.root.out().println(StudyStatus.of(store).format());
        }
        return 0;
    }
}
