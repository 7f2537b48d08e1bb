package org.crossgen.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.crossgen.tensor.NativeScope;
import org.crossgen.tensor.SafetensorsReader;
import org.crossgen.tensor.Tensors;

/** Weights of saved safetensors files, and comparing two runs' weights with a relative tolerance. */
public final class WeightFiles {
    private WeightFiles() {}

    /** Every tensor of {@code file} as float32, by name. */
    public static Map<String, float[]> read(Path file) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(file); NativeScope scope = NativeScope.open()) {
            for (String name : r.infos().keySet()) {
                Tensor t = r.tensor(name);
                out.put(name, Tensors.toFloats(t));
                NativeScope.release(t);
            }
        }
        return out;
    }

    /**
     * Asserts each tensor of {@code got} is within {@code tolerance} times its own largest
     * element of {@code want}'s, and prints the worst ratio.
     */
    public static void assertClose(String what, Map<String, float[]> want, Map<String, float[]> got, double tolerance) {
        assertEquals(want.keySet(), got.keySet(), what + ": tensor names");
        double worst = 0;
        String where = "";
        for (String name : want.keySet()) {
            float[] a = want.get(name), b = got.get(name);
            double scale = 1e-30, diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            if (diff / scale >= worst) {
                worst = diff / scale;
                where = name;
            }
        }
        System.out.printf("%s: worst max|dW|/max|W| = %.2e (%s)%n", what, worst, where);
        assertTrue(worst <= tolerance, what + ": weights differ by " + worst + " relative (tolerance " + tolerance + ") in " + where);
    }
}
