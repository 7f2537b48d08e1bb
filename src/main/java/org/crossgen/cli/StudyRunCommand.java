package org.crossgen.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.crossgen.data.TaskRegistry;
import org.crossgen.progress.ProgressBar;
import org.crossgen.report.StudyReport;
import org.crossgen.study.ResultStore;
import org.crossgen.study.ResultsExporter;
import org.crossgen.study.StudyLayout;
import org.crossgen.study.StudyPlan;
import org.crossgen.study.StudyRun;
import org.crossgen.study.StudyRunner;
import org.crossgen.study.TorchCellEvaluator;
import org.crossgen.study.Trainer;
import org.crossgen.study.WorkerCount;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.OpenBlasCore;
import org.crossgen.tensor.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run every training job and evaluation cell of a study spec that is not done yet (resumable).")
final class StudyRunCommand implements Callable<Integer> {
    @ParentCommand StudyCommand study;
    @picocli.CommandLine.Spec CommandSpec spec;
    @Mixin RegistryOptions registryOptions;
    @Mixin WorkerOptions workerOptions;

    @Mixin StudySpecOptions specOptions;

    @Option(names = "--workers", defaultValue = "auto", paramLabel = "N|auto",
            description = "Workers on this machine, each a process claiming jobs and cells from the study's store; the cores are "
                    + "shared among them. auto: one per core for models under 200M parameters on the CPU (their matrix products "
                    + "are too small to use several cores), else 1 (default: ${DEFAULT-VALUE}).")
    String workers;

    @Option(names = "--worker-only", hidden = true, description = "Claim and compute work only, no export or report (the extra "
            + "workers that --workers starts).")
    boolean workerOnly;

    @Override
    public Integer call() throws Exception {
        StudyLayout layout = specOptions.layout();
        TaskRegistry registry = registryOptions.registry();
        StudyPlan plan = StudyCommand.plan(specOptions.spec, layout, registry, true);
        ComputeDevice device = ComputeDevice.parse(workerOptions.device);
        int cores = Runtime.getRuntime().availableProcessors();
        int count = workerCount(plan, device, cores);
        if (workerOnly) stopWithParent();
        int[] before = doneCounts(layout, plan, true);
        String blasNote = workerOnly || device.isCuda() ? null : OpenBlasCore.note();
        if (blasNote != null) study.root.err().println("crossgen: note: " + blasNote);
        // The other workers start before this one loads libtorch, so their JVMs boot meanwhile.
        try (ChildWorkers children = count > 1 ? new ChildWorkers(count - 1, childArguments(layout),
                WorkerCount.threadsPerWorker(cores, count), layout.logs()) : null) {
            int threadsBefore = Torch.threads();
            if (count > 1 && System.getenv("CROSSGEN_THREADS") == null) Torch.threads(WorkerCount.threadsPerWorker(cores, count));
            try {
                return run(layout, registry, plan, device, before, children);
            } finally {
                Torch.threads(threadsBefore);   // the command may run inside a longer-lived JVM (tests, an embedding tool)
            }
        }
    }

    private int run(StudyLayout layout, TaskRegistry registry, StudyPlan plan, ComputeDevice device, int[] before,
                    ChildWorkers children) throws Exception {
        StudyProgressBar bar = new StudyProgressBar(study.root.err(), ProgressBar.modeOfStderr(false));
        TrainingRanks ranks = new TrainingRanks(specOptions.spec, layout.dir(), registryOptions.taskFiles, workerOptions.device,
                TrainingRanks.Launch.LOCAL, study.root.out(), study.root.err());
        Trainer trainer = StudyCommand.trainer(registry, device, bar.trainingListener(), ranks);
        Duration lease = Duration.ofMinutes(workerOptions.leaseMinutes);
        List<String> crashed = List.of();
        try (TorchCellEvaluator evaluator = new TorchCellEvaluator(registry, device, workerOptions.batchSize, bar::record)) {
            StudyRunner runner = new StudyRunner(layout, trainer, evaluator, bar, lease);
            runner.run(plan);
            if (children != null) {
                awaitWithProgress(children, layout, bar);
                crashed = children.await();
                if (!crashed.isEmpty()) runner.run(plan);   // the crashed workers' claims are released and their work done here
            }
        }
        bar.end();
        int[] after = doneCounts(layout, plan, false);
        StudyRun run = StudyRunner.status(layout, after[0] - before[0], after[1] - before[1]);
        for (String line : crashed) study.root.err().println("crossgen: " + line);
        study.root.out().println(run.summary());
        if (workerOnly) return run.failures().isEmpty() ? 0 : 1;
        ResultsExporter.Export export = new ResultsExporter(layout, registry, device).export(plan);
        Path html = layout.report().resolve(StudyReport.HTML);
        if (export.changed() || !Files.exists(html)) html = StudyReport.of(export.results()).write(layout.report());
        study.root.out().println("report: " + html.toAbsolutePath());
        return run.failures().isEmpty() ? 0 : 1;
    }

    private int workerCount(StudyPlan plan, ComputeDevice device, int cores) throws IOException {
        if (workerOnly) return 1;
        if (!workers.equals("auto")) {
            try {
                int n = Integer.parseInt(workers);
                if (n >= 1) return n;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ParameterException(spec.commandLine(), "--workers " + workers + ": expected a number >= 1 or auto");
        }
        long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return WorkerCount.auto(plan, device, cores, total * 3 / 4);
    }

    /**
     * An extra worker ends when the {@code study run} that started it does, even by kill -9: its
     * claim in flight is released by the next run on this host, as any dead worker's is.
     */
    private static void stopWithParent() {
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    }

    /**
     * Done jobs and cells of the plan; with {@code register}, the plan is registered first (a new
     * study counts zero, and a changed spec counts only what is in it). Afterwards it already is.
     */
    private static int[] doneCounts(StudyLayout layout, StudyPlan plan, boolean register) throws IOException {
        Files.createDirectories(layout.dir());
        try (ResultStore store = ResultStore.open(layout.dir())) {
            if (register) store.register(plan);
            return new int[] {store.doneCount(ResultStore.Table.JOBS), store.doneCount(ResultStore.Table.CELLS)};
        }
    }

    /** The progress bar follows the other workers until they end. */
    private static void awaitWithProgress(ChildWorkers children, StudyLayout layout, StudyProgressBar bar) throws Exception {
        try (ResultStore store = ResultStore.open(layout.dir())) {
            while (children.anyAlive()) {
                bar.done(store.doneCount(ResultStore.Table.CELLS));
                Thread.sleep(500);
            }
        }
    }

    private List<String> childArguments(StudyLayout layout) {
        List<String> args = new ArrayList<>(List.of("study", "run", specOptions.spec.toAbsolutePath().toString(),
                "--out", layout.dir().toAbsolutePath().toString(), "--workers", "1", "--worker-only",
                "--device", workerOptions.device, "--batch-size", Integer.toString(workerOptions.batchSize),
                "--lease-minutes", Long.toString(workerOptions.leaseMinutes)));
        for (Path f : registryOptions.taskFiles) {
            args.add("--task-file");
            args.add(f.toAbsolutePath().toString());
        }
        return args;
    }
}
