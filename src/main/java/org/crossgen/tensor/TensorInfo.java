package org.crossgen.tensor;

import java.util.Arrays;

/**
 * One entry of a safetensors header, field for field: {@code dtype}, {@code shape} and the
 * {@code data_offsets} (relative to the first byte after the header).
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor " + name + ": bad data_offsets [" + begin + ", " + end + "]");
        }
    }

    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
