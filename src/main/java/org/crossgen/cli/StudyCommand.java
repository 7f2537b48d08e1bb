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
import java.util.Optional;
import org.crossgen.model.DefaultModel;
import org.crossgen.model.hub.HubId;
import org.crossgen.model.hub.HubModels;
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
                StudySubmitCommand.class, StudyRunCellCommand.class, StudyTrainRankCommand.class})
final class StudyCommand implements Runnable {
    @ParentCommand CrossgenCommand root;
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.out());
    }

    /** Resolves {@code default} in specs to crossgen's built-in model, and Hub ids through the Hugging Face cache. */
    static ModelLocator modelLocator() {
        return name -> {
            if (name.equals(ModelLocator.DEFAULT)) return DefaultModel.available() ? Optional.of(DefaultModel.path()) : Optional.empty();
            return HubId.looksLike(name) ? Optional.of(HubModels.fromEnvironment().resolve(name)) : Optional.empty();
        };
    }

    /** The trainer of {@code crossgen study run}: supervised fine-tuning, LoRA merged into the saved model; {@code ranks} starts multi-rank jobs. */
    static Trainer trainer(TaskRegistry registry, ComputeDevice device, TrainingListener listener, SftJobTrainer.Ranks ranks) {
        return new SftJobTrainer(registry, device, listener, ranks);
    }

    /** {@code dir}, or {@code runs/<spec name>} under the current directory. */
    static StudyLayout layout(Path specFile, Path dir) {
        return dir != null ? new StudyLayout(dir) : StudyLayout.forSpec(specFile);
    }

    /** As {@link #plan}, for {@code study plan}: a model folder that is not on this machine is planned by name. */
    static StudyPlan planWithoutModels(Path specFile, StudyLayout layout, TaskRegistry registry) throws IOException {
        StudySpec spec = StudySpec.readForPlan(specFile, registry, modelLocator());
        return new Planner(registry, identity(layout)).plan(spec);
    }

    private static ModelIdentity identity(StudyLayout layout) throws IOException {
        return Files.isDirectory(layout.dir()) ? ModelIdentity.cachedIn(layout.identityCache()) : ModelIdentity.inMemory();
    }

    /** Reads, validates and plans; base model hashes are cached in the study folder if it exists. */
    static StudyPlan plan(Path specFile, StudyLayout layout, TaskRegistry registry, boolean createDir) throws IOException {
        StudySpec spec = StudySpec.read(specFile, registry, modelLocator());
        if (createDir) Files.createDirectories(layout.dir());
        return new Planner(registry, identity(layout)).plan(spec);
    }
}
