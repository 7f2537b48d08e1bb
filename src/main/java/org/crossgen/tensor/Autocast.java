package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.clear_cache;
import static org.bytedeco.pytorch.global.torch.set_autocast_dtype;
import static org.bytedeco.pytorch.global.torch.set_autocast_enabled;

import org.bytedeco.pytorch.global.torch.DeviceType;

/**
 * Mixed precision for a forward pass, like {@code torch.autocast}: matmuls run in bfloat16 while
 * weights stay float32. Does nothing for float32. Close it before the loss and backward.
 */
public final class Autocast implements AutoCloseable {
    private final DeviceType deviceType;

    private Autocast(DeviceType deviceType) {
        this.deviceType = deviceType;
    }

    /** Opens autocast to {@code dtype} on {@code device}; {@code null} dtype or float32 means off. */
    public static Autocast open(DType dtype, ComputeDevice device) {
        if (dtype == null || dtype == DType.FLOAT32 || dtype == DType.FLOAT64) return new Autocast(null);
        Torch.init();
        DeviceType type = device.isCuda() ? DeviceType.CUDA : DeviceType.CPU;
        set_autocast_dtype(type, dtype.scalarType);
        set_autocast_enabled(type, true);
        return new Autocast(type);
    }

    @Override
    public void close() {
        if (deviceType == null) return;
        set_autocast_enabled(deviceType, false);
        clear_cache(); // what torch.autocast.__exit__ does: drop cached casts of the weights
    }
}
