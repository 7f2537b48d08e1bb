package org.crossgen.dist;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Starts the ranks of one data-parallel job and waits for all of them: {@link LocalLauncher} as
 * child JVMs on this machine (what torchrun does), {@link SrunLauncher} as a Slurm job step.
 * Either way each rank runs {@code mainClass args} in a JVM like this one and finds its place in
 * the job from its environment ({@link RankEnvironment}).
 */
public interface RankLauncher {
    /** How the job ended. {@code exitCode} 0: every rank succeeded; else {@code message} says which failed and how. */
    record Outcome(int exitCode, String message) {}

    /** Runs the ranks with {@code extraEnv} added to their environment; returns when every rank has ended. */
    Outcome run(String mainClass, List<String> args, Map<String, String> extraEnv) throws IOException, InterruptedException;
}
