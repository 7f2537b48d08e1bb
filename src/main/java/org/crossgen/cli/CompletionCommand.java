package org.crossgen.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code crossgen completion}: the bash completion script picocli generates from the command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash completion script for every crossgen command and option.",
                "zsh: run 'autoload -U +X bashcompinit && bashcompinit' first.",
                "Use it now:      source <(./crossgen completion)",
                "Install it:      ./crossgen completion > ~/.local/share/bash-completion/completions/crossgen"})
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand CrossgenCommand root;

    @Override
    public Integer call() {
        root.out().print(AutoComplete.bash("crossgen", root.spec.commandLine()));
        root.out().flush();
        return 0;
    }
}
