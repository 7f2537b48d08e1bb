package org.crossgen.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.crossgen.data.TaskRegistry;

/**
 * {@code crossgen study run-cell} in its own JVM, for the tests of two workers on one index and of
 * kill -9: a worker named {@code host:pid} whose evaluator prints "evaluating", sleeps {@code delayMs},
 * then appends the cell key to {@code log}. Prints the outcome; exits 0 when it is ok.
 * Arguments: SPEC DIR LOG DELAY_MS INDEX.
 */
public final class CellWorkerChild {
    public static void main(String[] args) throws Exception {
        Path spec = Path.of(args[0]), dir = Path.of(args[1]), log = Path.of(args[2]);
        long delay = Long.parseLong(args[3]);
        int index = Integer.parseInt(args[4]);
        StudyPlan plan = new Planner(TaskRegistry.paper(), ModelIdentity.inMemory())
                .plan(StudySpec.read(spec, TaskRegistry.paper(), ModelLocator.NONE));
        CellWorker worker = new CellWorker(new StudyLayout(dir), StudyRunnerTest::fakeTrain, (model, cell) -> {
            System.out.println("evaluating " + cell.key());
            System.out.flush();
            Thread.sleep(delay);
            Files.writeString(log, cell.key() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return StudyFixtures.result(cell);
        }, StudyRunner.LEASE, Duration.ofMillis(100), StudyWorker.processId(), System.out::println);
        CellWorker.Outcome outcome = worker.run(plan, StudyPhase.EVAL, StudyPhase.EVAL.keys(plan).get(index));
        System.out.println("outcome " + outcome.status() + ": " + outcome.message());
        System.exit(outcome.status().ok ? 0 : 1);
    }
}
