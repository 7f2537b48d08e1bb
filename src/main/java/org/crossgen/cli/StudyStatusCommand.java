package org.crossgen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.crossgen.study.ResultStore;
import org.crossgen.study.StudyLayout;
import org.crossgen.study.StudyStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Done, running, failed and left work per phase of a study, with an ETA.")
final class StudyStatusCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;

    @Parameters(paramLabel = "SPEC|DIR", description = "The study spec (its folder is runs/<name> or --out) or the study folder.")
    Path target;

    @Mixin StudyFolderOption studyFolder;

    @Option(names = "--json", description = "Print the counts, ETA, failed and running work as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(target)) throw new IllegalArgumentException("no such file or folder: " + target + " (give a study spec or a study folder)");
        Path folder = Files.isDirectory(target) ? target : StudyCommand.layout(target, studyFolder.dir).dir();
        if (!ResultStore.exists(folder)) {
            throw new IllegalArgumentException("no study in " + folder + " (no " + new StudyLayout(folder).store().getFileName()
                    + "); start it with crossgen study run");
        }
        try (ResultStore store = ResultStore.open(folder)) {
            StudyStatus status = StudyStatus.of(store);
            if (json) {
                ObjectNode j = JsonOutput.object().put("folder", folder.toString());
                j.setAll((ObjectNode) JsonOutput.JSON.valueToTree(status));
                if (Double.isNaN(status.etaSeconds())) j.putNull("etaSeconds"); // nothing measured yet
                JsonOutput.print(study.root.out(), j);
            } else {
                study.root.out().println(folder);
                study.root.out().println(status.format());
            }
        }
        return 0;
    }
}
