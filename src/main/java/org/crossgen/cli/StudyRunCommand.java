package org.crossgen.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.progress.ProgressBar;
import org.crossgen.report.StudyReport;
import org.crossgen.study.ResultsExporter;
import org.crossgen.study.StudyLayout;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudyRun;
import org.crossgen.study.StudyRunner;
import org.crossgen.study.TorchCellEvaluator;
import org.crossgen.study.Trainer;
import org.crossgen.tensor.ComputeDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run every training job and evaluation cell of a study spec that is not done yet (resumable).")
final class StudyRunCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;
    @Mixin RegistryOptions registryOptions;
    @Mixin WorkerOptions workerOptions;

    @Mixin StudySpecOptions specOptions;





    @Override
    public Integer call() throws Exception {
        StudyLayout layout = specOptions.layout();
        TaskRegistry registry = registryOptions.registry();
        StudyPlan plan = StudyCommand.plan(specOptions.spec, layout, registry, true);
        StudyProgressBar bar = new StudyProgressBar(study.root.err(), ProgressBar.modeOfStderr(false));
        TrainingRanks ranks = new TrainingRanks(specOptions.spec, layout.dir(), registryOptions.taskFiles, workerOptions.device,
                TrainingRanks.Launch.LOCAL, study.root.out(), study.root.err());
        Trainer trainer = StudyCommand.trainer(registry, ComputeDevice.parse(workerOptions.device), bar.trainingListener(), ranks);
        StudyRun run;
        try (TorchCellEvaluator evaluator = new TorchCellEvaluator(registry, ComputeDevice.parse(workerOptions.device), workerOptions.batchSize, bar::record)) {
            run = new StudyRunner(layout, trainer, evaluator, bar, Duration.ofMinutes(workerOptions.leaseMinutes)).run(plan);
        }
        bar.end();
        study.root.out().println(run.summary());
        ResultsExporter.Export export = new ResultsExporter(layout, registry, ComputeDevice.parse(workerOptions.device)).export(plan);
        Path html = layout.report().resolve(StudyReport.HTML);
        if (export.changed() || !Files.exists(html)) html = StudyReport.of(export.results()).write(layout.report());
        study.root.out().println("report: " + html.toAbsolutePath());
        return run.failures().isEmpty() ? 0 : 1;
    }
}
