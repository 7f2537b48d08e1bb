package org.crossgen.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

class TorchTest {
    @Test
    void javacppDoesNotMeasureResidentMemoryOnEveryAllocation() {
        Torch.init();
        assertEquals(0, Pointer.maxPhysicalBytes(), "org.bytedeco.javacpp.maxPhysicalBytes must be 0 before Pointer loads");
    }

    @Test
    void blasThreadsCanBeChangedAndRestored() {
        int before = Torch.blasThreads();
        Torch.blasThreads(2);
        assertEquals(2, Torch.blasThreads());
        Torch.blasThreads(before);
        assertEquals(before, Torch.blasThreads());
    }
}
