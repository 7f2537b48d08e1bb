package org.crossgen.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.crossgen.tensor.ComputeDevice;
import org.crossgen.tensor.Torch;

/**
 * Memory of a training device, for the memory plan and its check: how much the device has, and
 * the peak this process used since a reset. On CUDA these are the caching allocator's numbers
 * (bytes held by live tensors, as {@code torch.cuda.max_memory_allocated}); on the CPU the peak
 * resident set ({@code VmHWM}, reset through {@code /proc/self/clear_refs}), which includes the
 * JVM and libtorch themselves, so compare differences, not absolute values.
 */
public final class DeviceMemory {
    private DeviceMemory() {}

    /** The device's total memory: the GPU's, or the machine's physical memory for the CPU. */
    public static long totalBytes(ComputeDevice device) {
        if (device.isCuda()) {
            try {
                Torch.init();
                return org.bytedeco.pytorch.global.torch_cuda.getDeviceAllocator(org.bytedeco.pytorch.global.torch.DeviceType.CUDA)
                        .getMemoryInfo(cudaIndex(device)).second();
            } catch (LinkageError e) {
                throw new IllegalStateException("device " + device + ": this crossgen has no CUDA support (CROSSGEN_CUDA=1, docs/gpu.md)", e);
            }
        }
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : Long.MAX_VALUE;
    }

    /** Starts a peak measurement on {@code device}. */
    public static void resetPeak(ComputeDevice device) {
        if (device.isCuda()) {
            org.bytedeco.pytorch.global.torch_cuda.getAllocator().resetPeakStats(cudaIndex(device));
            return;
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");   // Linux >= 4.0: VmHWM := VmRSS
        } catch (IOException e) {
            // not Linux, or not allowed: the peak then covers the whole process life
        }
    }

    /** Bytes in use on {@code device} now (CUDA: allocated by tensors; CPU: resident set). */
    public static long currentBytes(ComputeDevice device) {
        if (device.isCuda()) return org.bytedeco.pytorch.global.torch_cuda.getAllocator().getDeviceStats(cudaIndex(device)).allocated_bytes().current();
        return status("VmRSS:").orElse(0);
    }

    /** The peak since {@link #resetPeak} (CUDA: allocated by tensors; CPU: resident set). */
    public static long peakBytes(ComputeDevice device) {
        if (device.isCuda()) return org.bytedeco.pytorch.global.torch_cuda.getAllocator().getDeviceStats(cudaIndex(device)).allocated_bytes().peak();
        return status("VmHWM:").orElse(0);
    }

    private static byte cudaIndex(ComputeDevice device) {
        String n = device.name();
        return (byte) (n.contains(":") ? Integer.parseInt(n.substring(n.indexOf(':') + 1)) : 0);
    }

    private static OptionalLong status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
            }
        } catch (IOException | NumberFormatException e) {
            // no procfs
        }
        return OptionalLong.empty();
    }
}
