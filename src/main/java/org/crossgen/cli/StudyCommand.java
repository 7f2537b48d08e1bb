package org.crossgen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crossgen.data.TaskRegistry;
import org.crossgen.study.ModelIdentity;
import org.crossgen.study.ModelLocator;
import org.crossgen.study.Planner;
import org.crossgen.study.StudyLayout;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudySpec;
import org.crossgen.study.Trainer;
import org.crossgen.model.DefaultModel;
import org.crossgen.study.SftJobTrainer;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code crossgen study}: plan, run, follow and export a study (fine-tune x evaluate grid). */
@Command(name = "study", mixinStandardHelpOptions = true, description = "Plan, run, follow and export a study described by a YAML spec.",
        subcommands = {StudyPlanCommand.class, StudyRunCommand.class, StudyStatusCommand.class, StudyExportCommand.class,
                StudySubmitCommand.class, StudyRunCellCommand.class})
final class StudyCommand implements Runnable {
    @ParentCommand CrossgenCommand root;
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.out());
    }

    /** Resolves {@code default} in specs to crossgen's built-in model. */
    static ModelLocator modelLocator() {
        return name -> name.equals("default") && DefaultModel.available() ? java.util.Optional.of(DefaultModel.path()) : java.util.Optional.empty();
    }

    /** The trainer of {@code crossgen study run}: supervised fine-tuning, LoRA merged into the saved model. */
    static Trainer trainer(TaskRegistry registry, ComputeDevice device, TrainingListener listener) {
        return new SftJobTrainer(registry, device, listener);
    }

    /** {@code dir}, or {@code runs/<spec name>} under the current directory. */
    static StudyLayout layout(Path specFile, Path dir) {
        return dir != null ? new StudyLayout(dir) : StudyLayout.forSpec(specFile);
    }

    /** Reads, validates and plans; base model hashes are cached in the study folder if it exists. */
    static StudyPlan plan(Path specFile, StudyLayout layout, TaskRegistry registry, boolean createDir) throws IOException {
        StudySpec spec = StudySpec.read(specFile, registry, modelLocator());
        if (createDir) Files.createDirectories(layout.dir());
        ModelIdentity identity = Files.isDirectory(layout.dir()) ? ModelIdentity.cachedIn(layout.identityCache())
                : ModelIdentity.inMemory();
        return new Planner(registry, identity).plan(spec);
    }
}
