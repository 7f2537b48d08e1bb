package org.crossgen.dist;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the ranks of one job as a Slurm job step on the allocation's node: {@code srun --nodes=1
 * --ntasks=N --ntasks-per-node=N --kill-on-bad-exit=1 [--gpus-per-task=1] java ... mainClass args},
 * from inside an sbatch script that asked for {@code --ntasks-per-node=N}. Slurm sets each rank's
 * {@code SLURM_PROCID}, {@code SLURM_NTASKS} and {@code SLURM_LOCALID}; the rendezvous is a port
 * free on this node, which is also rank 0's ({@code MASTER_ADDR=127.0.0.1}, {@code MASTER_PORT}).
 *
 * <p>The ranks' output goes where this process's goes (the array task's log); srun prefixes
 * nothing and names a failed task itself ({@code srun: error: node1: task 1: Killed}). When a rank
 * fails, {@code --kill-on-bad-exit} ends the others.
 */
public final class SrunLauncher implements RankLauncher {
    private final int nproc;
    private final boolean gpuPerRank;
    private final Map<String, String> env;

    /**
     * @param nproc      ranks, all on this node
     * @param gpuPerRank one GPU per rank ({@code --gpus-per-task=1}): training on CUDA
     * @param env        this process's environment (reads {@code SLURM_CPUS_PER_TASK})
     */
    public SrunLauncher(int nproc, boolean gpuPerRank, Map<String, String> env) {
        if (nproc < 1) throw new IllegalArgumentException("ranks must be >= 1, got " + nproc);
        this.nproc = nproc;
        this.gpuPerRank = gpuPerRank;
        this.env = Map.copyOf(env);
    }

    @Override
    public Outcome run(String mainClass, List<String> args, Map<String, String> extraEnv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(srunOptions());
        cmd.addAll(LocalLauncher.command(mainClass, args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().putAll(extraEnv);
        pb.environment().put("MASTER_ADDR", "127.0.0.1");   // one node: rank 0 is here
        pb.environment().put("MASTER_PORT", Integer.toString(LocalLauncher.freePort()));
        String cpus = env.get("SLURM_CPUS_PER_TASK");
        if (cpus != null && !pb.environment().containsKey("CROSSGEN_THREADS")) pb.environment().put("CROSSGEN_THREADS", cpus);
        Process srun = pb.start();
        Thread stop = new Thread(srun::destroy);   // SIGTERM: srun passes it on to the ranks
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            int code = srun.waitFor();
            return new Outcome(code, code == 0 ? "all " + nproc + " ranks finished"
                    : "srun " + LocalLauncher.describe(code) + " (srun's error lines above name the rank that failed)");
        } finally {
            srun.destroy();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops srun itself
            }
        }
    }

    /**
     * srun and its options. {@code --cpus-per-task} is passed on explicitly: since Slurm 22.05 srun
     * no longer takes it from the sbatch allocation's environment.
     */
    List<String> srunOptions() {
        List<String> o = new ArrayList<>(List.of("srun", "--nodes=1", "--ntasks=" + nproc, "--ntasks-per-node=" + nproc,
                "--kill-on-bad-exit=1"));
        String cpus = env.get("SLURM_CPUS_PER_TASK");
        if (cpus != null) o.add("--cpus-per-task=" + cpus);
        if (gpuPerRank) o.add("--gpus-per-task=1");
        return o;
    }
}
