package org.crossgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What every command shares: --help, the documented exit codes, shell completion. */
class CliHelpTest {
    /** Every command path of the tree, e.g. [study, run-cell]; the root is the empty path. */
    private static List<List<String>> commandPaths(CommandLine cl, List<String> path) {
        List<List<String>> all = new ArrayList<>();
        all.add(path);
        for (var e : cl.getSubcommands().entrySet()) {
            if (!e.getValue().getCommandName().equals(e.getKey())) continue; // an alias of a command already listed
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            all.addAll(commandPaths(e.getValue(), sub));
        }
        return all;
    }

    @Test
    void helpWorksOnEveryCommandAndSubcommand() {
        List<List<String>> paths = commandPaths(CrossgenCommand.commandLine(), List.of());
        assertTrue(paths.size() >= 25, "the walk found only " + paths);
        assertTrue(paths.contains(List.of("data", "list")) && paths.contains(List.of("study", "run-cell")), paths::toString);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            String command = String.join(" ", args);
            assertEquals(0, r.exitCode(), () -> command + ": " + r.err());
            assertTrue(r.out().contains("Usage: " + String.join(" ", List.of("crossgen", String.join(" ", path))).strip() + " ["),
                    () -> command + " printed: " + r.out());
            assertEquals("", r.err(), command);
        }
    }

    @Test
    void topLevelHelpDocumentsTheExitCodesThatAreUsed() {
        String help = CliRun.of("--help").out();
        assertTrue(help.contains("Exit codes (every command):"), help);
        for (String line : List.of("  0   done", "  1   the work failed", "  2   usage: ")) assertTrue(help.contains("\n" + line), help);
        assertEquals(0, CliRun.of("data", "list").exitCode());
        assertEquals(1, CliRun.of("data", "show", "sentiment/nosuch").exitCode(), "work failed: unknown dataset");
        assertEquals(2, CliRun.of("data", "lisst").exitCode(), "usage: unknown subcommand");
        assertEquals(2, CliRun.of("train", "--epochs", "two").exitCode(), "usage: malformed value");
    }

    @Test
    void completionPrintsABashScriptCoveringTheCommandTree() {
        CliRun r = CliRun.of("completion");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out());
        assertTrue(r.out().contains("complete -F _complete_crossgen"), "registers the completion function");
        for (String word : List.of("run-cell", "--micro-batch-size", "--sampler", "--json")) {
            assertTrue(r.out().contains(word), "completion lacks " + word);
        }
    }
}
