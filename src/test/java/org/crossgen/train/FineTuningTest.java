package org.crossgen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.crossgen.dist.RankEnvironment;
import org.crossgen.tensor.ComputeDevice;
import org.junit.jupiter.api.Test;

class FineTuningTest {
    static final ComputeDevice CUDA = new ComputeDevice("cuda");
    static final RankEnvironment RANK_3 = new RankEnvironment(3, 4, 3, "127.0.0.1", 29500);

    @Test
    void aRankUsesItsLocalGpuOrTheOnlyOneItSees() {
        assertEquals("cuda:3", FineTuning.rankDeviceName(CUDA, RANK_3, null));          // torchrun, train --nproc: all GPUs visible
        assertEquals("cuda:3", FineTuning.rankDeviceName(CUDA, RANK_3, "0,1,2,3"));
        assertEquals("cuda:0", FineTuning.rankDeviceName(CUDA, RANK_3, "3"));           // srun --gpus-per-task=1 binds one GPU per rank
        assertEquals("cuda", FineTuning.rankDeviceName(CUDA, RankEnvironment.SINGLE, "3"));
        assertEquals("cpu", FineTuning.rankDeviceName(ComputeDevice.CPU, RANK_3, "3"));
    }
}
