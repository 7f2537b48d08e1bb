package org.crossgen.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.data.TaskRegistry;
import picocli.CommandLine.Option;

/** {@code --task-file}: task files (YAML) that add tasks and datasets to the paper's. */
final class RegistryOptions {
    @Option(names = "--task-file", paramLabel = "YAML",
            description = "Task file adding tasks or datasets (repeatable); see examples/topic/topic.yaml.")
    List<Path> taskFiles = new ArrayList<>();

    TaskRegistry registry() {
        TaskRegistry registry = TaskRegistry.paper();
        for (Path file : taskFiles) registry = registry.withTaskFile(file);
        return registry;
    }
}
