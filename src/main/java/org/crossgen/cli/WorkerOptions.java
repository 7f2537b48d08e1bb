package org.crossgen.cli;

import picocli.CommandLine.Option;

/** How a study worker computes: {@code study run}, {@code study run-cell} and (passed on to its tasks) {@code study submit}. */
final class WorkerOptions {
    @Option(names = "--device", defaultValue = "cpu", converter = DeviceName.class, paramLabel = "DEV", description = "cpu, cuda or cuda:N; cuda needs the CUDA build, CROSSGEN_CUDA=1 (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "N", description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lease-minutes", defaultValue = "10", paramLabel = "M",
            description = "A claim not renewed for this long may be taken by another worker (default: ${DEFAULT-VALUE}).")
    long leaseMinutes;
}
