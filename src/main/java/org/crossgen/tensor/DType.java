package org.crossgen.tensor;

import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Floating-point element types crossgen stores and computes in, with their safetensors names. */
public enum DType {
    FLOAT32("F32", ScalarType.Float, 4),
    BFLOAT16("BF16", ScalarType.BFloat16, 2),
    FLOAT16("F16", ScalarType.Half, 2),
    /** For numerical checks (rounding-free comparisons), not for storage or speed. */
    FLOAT64("F64", ScalarType.Double, 8);

    /** The {@code dtype} string of a safetensors header. */
    public final String safetensorsName;
    public final ScalarType scalarType;
    public final int bytes;

    DType(String safetensorsName, ScalarType scalarType, int bytes) {
        this.safetensorsName = safetensorsName;
        this.scalarType = scalarType;
        this.bytes = bytes;
    }

    /** The name Hugging Face writes as {@code torch_dtype} in config.json. */
    public String torchName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a CLI/config name: {@code float32|fp32|bfloat16|bf16|float16|fp16|half}. */
    public static DType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "float32", "fp32", "float", "f32" -> FLOAT32;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "float16", "fp16", "half", "f16" -> FLOAT16;
            case "float64", "fp64", "double", "f64" -> FLOAT64;
            default -> throw new IllegalArgumentException("unknown dtype \"" + s + "\"; known: "
                    + Arrays.toString(new String[] {"float32", "bfloat16", "float16", "float64"}));
        };
    }
}
