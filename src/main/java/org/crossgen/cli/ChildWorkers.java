package org.crossgen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.dist.LocalLauncher;

/**
 * The extra workers of {@code study run --workers N}: N - 1 child JVMs on this machine, each
 * running {@code crossgen study run SPEC --out DIR --workers 1 --worker-only} with
 * {@code CROSSGEN_THREADS} threads, its output in {@code DIR/logs/worker-<i>.log}. They share the
 * study's store exactly as the workers of a Slurm array do (claims, leases, resumable results);
 * the parent is worker 0 and writes the report when all are done. Stopping the parent stops them.
 */
final class ChildWorkers implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final Thread stop = new Thread(this::destroy);

    /**
     * @param args    the child's arguments after {@code crossgen}
     * @param threads intra-op threads of each child
     */
    ChildWorkers(int count, List<String> args, int threads, Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Runtime.getRuntime().addShutdownHook(stop);
        for (int i = 1; i <= count; i++) {
            Path log = logDir.resolve("worker-" + i + ".log");
            ProcessBuilder pb = new ProcessBuilder(LocalLauncher.command(CrossgenCommand.class.getName(), args))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("CROSSGEN_THREADS", Integer.toString(threads));
            // OpenBLAS sizes its pool when it loads: a worker of one thread needs no idle second one
            pb.environment().putIfAbsent("OPENBLAS_NUM_THREADS", Integer.toString(threads));
            processes.add(pb.start());
            logs.add(log);
        }
    }

    /** Waits for every child; returns one line per child that ended other than 0 (done) or 1 (failures recorded in the store). */
    List<String> await() throws InterruptedException {
        List<String> crashed = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            int code = processes.get(i).waitFor();
            if (code != 0 && code != 1) crashed.add("worker " + (i + 1) + " (pid " + processes.get(i).pid() + ") ended with code " + code
                    + "; its log: " + logs.get(i));
        }
        return crashed;
    }

    boolean anyAlive() {
        return processes.stream().anyMatch(Process::isAlive);
    }

    private void destroy() {
        processes.forEach(Process::destroy);
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it stops the children itself
        }
    }
}
