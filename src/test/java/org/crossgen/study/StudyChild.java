package org.crossgen.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.crossgen.data.TaskRegistry;

/**
 * A study run in its own JVM, for the kill -9 test: fake training, and an evaluator that sleeps
 * {@code delayMs} per cell and appends each evaluated cell's key to {@code log}.
 * Arguments: SPEC DIR LOG DELAY_MS.
 */
public final class StudyChild {
    public static void main(String[] args) throws Exception {
        Path spec = Path.of(args[0]), dir = Path.of(args[1]), log = Path.of(args[2]);
        long delay = Long.parseLong(args[3]);
        StudyPlan plan = new Planner(TaskRegistry.paper(), ModelIdentity.inMemory())
                .plan(StudySpec.read(spec, TaskRegistry.paper(), ModelLocator.NONE));
        StudyRun run = new StudyRunner(new StudyLayout(dir), StudyRunnerTest::fakeTrain, (model, cell) -> {
            Thread.sleep(delay);
            Files.writeString(log, cell.key() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return StudyFixtures.result(cell);
        }, null, StudyRunner.LEASE).run(plan);
        System.exit(run.failures().isEmpty() ? 0 : 1);
    }
}
