package org.crossgen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code crossgen data}: the tasks and datasets crossgen knows, their records and their problems. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "List, show and validate tasks and datasets.",
        subcommands = {DataListCommand.class, DataShowCommand.class, DataValidateCommand.class})
final class DataCommand implements Runnable {
    @ParentCommand CrossgenCommand root;
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.out());
    }
}
