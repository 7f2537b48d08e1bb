package org.crossgen.dist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where this process sits in a training job, read from the environment the way torchrun and
 * Slurm set it: {@code RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT} (torchrun, and
 * {@link LocalLauncher}), or {@code SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID} with the master on
 * the job's first node ({@code SLURM_JOB_NODELIST}) and the port from {@code MASTER_PORT} or derived
 * from {@code SLURM_JOB_ID}. Without either, the process is the only rank.
 *
 * @param rank       0-based global rank, in [0, worldSize)
 * @param worldSize  ranks in the job, >= 1
 * @param localRank  rank among this node's ranks (picks the GPU: {@code cuda:localRank})
 * @param masterAddr host of rank 0, where the TCPStore rendezvous listens
 * @param masterPort its port, in [1, 65535]
 */
public record RankEnvironment(int rank, int worldSize, int localRank, String masterAddr, int masterPort) {
    /** The single-process job. */
    public static final RankEnvironment SINGLE = new RankEnvironment(0, 1, 0, "127.0.0.1", 29500);

    public RankEnvironment {
        if (worldSize < 1) throw new IllegalArgumentException("WORLD_SIZE must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("RANK must be in [0, " + worldSize + "), got " + rank);
        if (localRank < 0) throw new IllegalArgumentException("LOCAL_RANK must be >= 0, got " + localRank);
        if (masterPort < 1 || masterPort > 65535) throw new IllegalArgumentException("MASTER_PORT must be in [1, 65535], got " + masterPort);
        if (masterAddr == null || masterAddr.isBlank()) throw new IllegalArgumentException("MASTER_ADDR must not be empty");
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    /** Reads this process's environment. */
    public static RankEnvironment current() {
        return of(System.getenv());
    }

    /** Reads {@code env}: torchrun's variables first, then Slurm's, else {@link #SINGLE}. */
    public static RankEnvironment of(Map<String, String> env) {
        if (env.containsKey("RANK") || env.containsKey("WORLD_SIZE")) {
            int world = integer(env, "WORLD_SIZE", null);
            int rank = integer(env, "RANK", null);
            return new RankEnvironment(rank, world, integer(env, "LOCAL_RANK", rank), env.getOrDefault("MASTER_ADDR", "127.0.0.1"),
                    integer(env, "MASTER_PORT", 29500));
        }
        if (env.containsKey("SLURM_PROCID") && env.containsKey("SLURM_NTASKS")) {
            int world = integer(env, "SLURM_NTASKS", null);
            if (world == 1) return SINGLE;
            String nodes = env.get("SLURM_JOB_NODELIST");
            if (nodes == null && !env.containsKey("MASTER_ADDR")) {
                throw new IllegalArgumentException("SLURM_NTASKS is " + world + " but neither SLURM_JOB_NODELIST nor MASTER_ADDR is set; "
                        + "cannot tell where rank 0 runs");
            }
            String master = env.containsKey("MASTER_ADDR") ? env.get("MASTER_ADDR") : firstHost(nodes);
            int port = env.containsKey("MASTER_PORT") ? integer(env, "MASTER_PORT", null) : slurmPort(env);
            return new RankEnvironment(integer(env, "SLURM_PROCID", null), world, integer(env, "SLURM_LOCALID", 0), master, port);
        }
        return SINGLE;
    }

    /** The variables a child rank is started with (what torchrun exports). */
    public Map<String, String> toEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("RANK", Integer.toString(rank));
        env.put("WORLD_SIZE", Integer.toString(worldSize));
        env.put("LOCAL_RANK", Integer.toString(localRank));
        env.put("MASTER_ADDR", masterAddr);
        env.put("MASTER_PORT", Integer.toString(masterPort));
        return env;
    }

    /**
     * The first host of a Slurm hostlist: {@code gpu[03-05,07],cpu1} -> {@code gpu03};
     * {@code a1,b2} -> {@code a1}. Zero padding of the range is kept.
     */
    static String firstHost(String nodelist) {
        String s = nodelist.trim();
        int bracket = s.indexOf('['), comma = s.indexOf(',');
        if (bracket < 0 || (comma >= 0 && comma < bracket)) return comma < 0 ? s : s.substring(0, comma);
        int close = s.indexOf(']', bracket);
        if (close < 0) throw new IllegalArgumentException("SLURM_JOB_NODELIST \"" + nodelist + "\": unclosed '['");
        String first = s.substring(bracket + 1, close).split(",")[0].split("-")[0];
        return s.substring(0, bracket) + first;
    }

    /** A port all ranks of one Slurm job agree on and other jobs rarely share: 20000 + job id mod 20000. */
    static int slurmPort(Map<String, String> env) {
        String job = env.get("SLURM_JOB_ID");
        if (job == null) return 29500;
        try {
            return 20000 + (int) (Long.parseLong(job.trim()) % 20000);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SLURM_JOB_ID is not a number: \"" + job + "\"");
        }
    }

    private static int integer(Map<String, String> env, String name, Integer dflt) {
        String v = env.get(name);
        if (v == null) {
            if (dflt != null) return dflt;
            List<String> set = new ArrayList<>();
            for (String k : List.of("RANK", "WORLD_SIZE", "LOCAL_RANK", "SLURM_PROCID", "SLURM_NTASKS")) if (env.containsKey(k)) set.add(k);
            throw new IllegalArgumentException("environment variable " + name + " is not set (set: " + set + ")");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable " + name + " is not an integer: \"" + v + "\"");
        }
    }
}
