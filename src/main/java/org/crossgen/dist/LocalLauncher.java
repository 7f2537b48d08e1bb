package org.crossgen.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the ranks of one job on this machine, as {@code torchrun --nproc-per-node N} does: N
 * child JVMs running the same main class and arguments, each with {@code RANK}, {@code WORLD_SIZE},
 * {@code LOCAL_RANK}, {@code MASTER_ADDR=127.0.0.1} and a free {@code MASTER_PORT} (see
 * {@link RankEnvironment}). Rank 0's output goes to this process's streams as it is; the other
 * ranks' lines are prefixed {@code [rank N] } and go to standard error. Unless set, each rank gets
 * {@code CROSSGEN_THREADS} = cores / N intra-op threads, so the ranks do not oversubscribe the CPU.
 *
 * <p>When a rank fails, the others get {@link #GRACE} to report their own error (their
 * collectives fail as soon as the dead rank's sockets close) and are then stopped; the outcome
 * names the rank that failed first and how. Stopping this process stops its ranks.
 *
 * <p>{@code crossgen study run} starts the ranks of a training job with {@code training.gpus_per_job: N}
 * the same way.
 */
public final class LocalLauncher implements RankLauncher {
    /** How long the other ranks may take to exit on their own after one failed. */
    public static final Duration GRACE = Duration.ofSeconds(10);

    private final int nproc;
    private final PrintWriter out, err;

    public LocalLauncher(int nproc, PrintWriter out, PrintWriter err) {
        if (nproc < 1) throw new IllegalArgumentException("--nproc must be >= 1, got " + nproc);
        this.nproc = nproc;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs {@code mainClass args} as {@code nproc} ranks in JVMs started like this one (same java,
     * JVM options and class path), with {@code extraEnv} added, and waits for all of them.
     */
    @Override
    public Outcome run(String mainClass, List<String> args, Map<String, String> extraEnv) throws IOException, InterruptedException {
        int port = freePort();
        List<Process> ranks = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        Thread stopRanks = new Thread(() -> ranks.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(stopRanks);
        try {
            for (int r = 0; r < nproc; r++) {
                ProcessBuilder pb = new ProcessBuilder(command(mainClass, args));
                if (!pb.environment().containsKey("CROSSGEN_THREADS")) {   // the ranks share the cores (torchrun sets OMP_NUM_THREADS alike)
                    pb.environment().put("CROSSGEN_THREADS", Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / nproc)));
                }
                pb.environment().putAll(extraEnv);
                pb.environment().putAll(new RankEnvironment(r, nproc, r, "127.0.0.1", port).toEnvironment());
                Process p = pb.start();
                ranks.add(p);
                String prefix = r == 0 ? "" : "[rank " + r + "] ";
                pumps.add(pump(p.getInputStream(), r == 0 ? out : err, prefix));
                pumps.add(pump(p.getErrorStream(), err, prefix));
            }
            err.printf("crossgen: started %d ranks on 127.0.0.1:%d, pids %s%n", nproc, port, ranks.stream().map(Process::pid).toList());
            err.flush();
            Outcome outcome = await(ranks);
            for (Thread t : pumps) t.join(2000);
            return outcome;
        } finally {
            ranks.forEach(Process::destroyForcibly);
            try {
                Runtime.getRuntime().removeShutdownHook(stopRanks);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the ranks itself
            }
        }
    }

    /** Waits for every rank; after the first failure, stops the rest once {@link #GRACE} is over. */
    private static Outcome await(List<Process> ranks) throws InterruptedException {
        int failed = -1;
        long deadline = Long.MAX_VALUE;
        while (true) {
            boolean running = false;
            for (int r = 0; r < ranks.size(); r++) {
                Process p = ranks.get(r);
                if (p.isAlive()) running = true;
                else if (failed < 0 && p.exitValue() != 0) {
                    failed = r;
                    deadline = System.nanoTime() + GRACE.toNanos();
                }
            }
            if (!running) break;
            if (System.nanoTime() > deadline) {
                ranks.forEach(Process::destroyForcibly);
                for (Process p : ranks) p.waitFor();
                break;
            }
            Thread.sleep(50);
        }
        if (failed < 0) return new Outcome(0, "all " + ranks.size() + " ranks finished");
        Process p = ranks.get(failed);
        List<String> others = new ArrayList<>();
        for (int r = 0; r < ranks.size(); r++) if (r != failed) others.add("rank " + r + " " + describe(ranks.get(r).exitValue()));
        return new Outcome(p.exitValue(), "rank " + failed + " (pid " + p.pid() + ") " + describe(p.exitValue())
                + " first; " + String.join(", ", others));
    }

    /** {@code "exited with code 1"}, or {@code "was killed by signal 9 (SIGKILL)"} for exit codes above 128. */
    static String describe(int exitCode) {
        if (exitCode == 0) return "finished";
        if (exitCode > 128 && exitCode < 160) {
            int signal = exitCode - 128;
            String name = switch (signal) {
                case 9 -> " (SIGKILL)";
                case 15 -> " (SIGTERM)";
                case 6 -> " (SIGABRT)";
                case 11 -> " (SIGSEGV)";
                default -> "";
            };
            return "was killed by signal " + signal + name;
        }
        return "exited with code " + exitCode;
    }

    /** {@code java [this JVM's options] -cp [this class path] mainClass args}. */
    public static List<String> command(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp")) cmd.add(a);   // one debugger port cannot serve N ranks
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    private static Thread pump(InputStream in, PrintWriter to, String prefix) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (to) {
                        to.println(prefix + line);
                        to.flush();
                    }
                }
            } catch (IOException streamClosed) {
                // the rank was stopped: its output ends here
            }
        }, "rank-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A port free on 127.0.0.1 now (the OS picks it); rank 0 binds it a moment later. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
