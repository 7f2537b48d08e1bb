package org.crossgen.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Resident memory the JVM does not account for: {@code VmRSS} from /proc/self/status less the
 * JVM's committed heap and non-heap, i.e. mostly libtorch's and JavaCPP's native allocations.
 * Subtracting what the JVM commits keeps heap growth (a GC resizing the heap, the JIT's code
 * cache) from reading as a native leak.
 *
 * <p>A loop calls {@link #sample()} once per iteration; {@link #growth(int)} compares the median
 * of the last {@value #WINDOW} samples with the median of the {@value #WINDOW} samples right after
 * warm-up. Medians, not single samples, so one sample taken while another process on a loaded
 * machine squeezed the page cache, or while the heap was being touched, does not decide the test.
 */
public final class NativeResident {
    /** Samples per median. */
    public static final int WINDOW = 10;
    private final List<Long> samples = new ArrayList<>();

    /** Records the current native resident bytes. */
    public void sample() {
        samples.add(bytes());
    }

    /** Native resident bytes now: VmRSS less the JVM's committed heap and non-heap. */
    public static long bytes() {
        MemoryMXBean jvm = ManagementFactory.getMemoryMXBean();
        return vmRssKb() * 1024 - jvm.getHeapMemoryUsage().getCommitted() - jvm.getNonHeapMemoryUsage().getCommitted();
    }

    /** VmRSS of this process in kB. */
    public static long vmRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Median of the last {@value #WINDOW} samples minus the median of the {@value #WINDOW} after the first {@code warmup}. */
    public long growth(int warmup) {
        if (samples.size() < warmup + 2 * WINDOW) {
            throw new IllegalStateException(samples.size() + " samples; need warm-up " + warmup + " + 2 x " + WINDOW);
        }
        return median(samples.subList(samples.size() - WINDOW, samples.size())) - median(samples.subList(warmup, warmup + WINDOW));
    }

    /** The growth in MB with the sample count, for messages. */
    public String describe(int warmup) {
        return String.format(Locale.ROOT, "native resident memory grew %.1f MB from samples %d..%d to the last %d of %d",
                growth(warmup) / 1048576.0, warmup, warmup + WINDOW - 1, WINDOW, samples.size());
    }

    private static long median(List<Long> xs) {
        List<Long> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
