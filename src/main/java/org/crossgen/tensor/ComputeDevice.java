package org.crossgen.tensor;

import static org.bytedeco.pytorch.global.torch.cuda_device_count;
import static org.bytedeco.pytorch.global.torch.cuda_is_available;

import org.bytedeco.pytorch.Device;

/**
 * Where tensors live: {@code cpu} or {@code cuda[:N]}. Asking for CUDA where it cannot work fails
 * here, once, with a message that says why and what to do.
 */
public record ComputeDevice(String name) {
    public static final ComputeDevice CPU = new ComputeDevice("cpu");

    public ComputeDevice {
        if (!name.equals("cpu") && !name.matches("cuda(:\\d+)?")) {
            throw new IllegalArgumentException("unknown device \"" + name + "\"; use cpu, cuda or cuda:N");
        }
    }

    /** Parses and checks a device name; a CUDA device must exist. */
    public static ComputeDevice parse(String name) {
        ComputeDevice d = new ComputeDevice(name.trim());
        if (d.isCuda()) d.checkCudaAvailable();
        return d;
    }

    public boolean isCuda() {
        return name.startsWith("cuda");
    }

    /** The libtorch device; allocate per use (it is a small native object). */
    public Device device() {
        Torch.init();
        return new Device(name);
    }

    private void checkCudaAvailable() {
        Torch.init();
        if (!cuda_is_available()) {
            throw new IllegalArgumentException("device " + name + " requested, but no CUDA device is usable: "
                    + "this crossgen was built with the CPU libtorch or the machine has no NVIDIA GPU/driver. "
                    + "Build the GPU version with 'mvn -Pcuda ...' (see docs/gpu.md) on a machine with a GPU, or use --device cpu.");
        }
        int index = name.contains(":") ? Integer.parseInt(name.substring(5)) : 0;
        int count = cuda_device_count();
        if (index >= count) {
            throw new IllegalArgumentException("device " + name + " requested, but only " + count + " CUDA device(s) exist");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
