package org.crossgen.train;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.crossgen.tensor.DType;

/**
 * How a run stores and computes: the one precision vocabulary of {@code train --precision}, the
 * study's {@code dtype} and the run card. Parsed once, at the edge ({@link #parse}).
 *
 * <table>
 *   <caption>bytes per trainable parameter</caption>
 *   <tr><th>mode</th><th>weights</th><th>gradients</th><th>fp32 master</th><th>AdamW m, v</th></tr>
 *   <tr><td>{@code fp32}</td><td>4</td><td>4</td><td>(the weights)</td><td>8</td></tr>
 *   <tr><td>{@code bf16-autocast}</td><td>4</td><td>4</td><td>(the weights)</td><td>8</td></tr>
 *   <tr><td>{@code bf16}</td><td>2</td><td>2</td><td>4</td><td>8</td></tr>
 * </table>
 */
public enum Precision {
    /** Everything in float32. */
    FP32(DType.FLOAT32, null, "fp32", "float32"),
    /**
     * float32 weights, gradients and AdamW state; the forward runs under bf16 autocast (matmuls
     * in bfloat16), as transformers' Trainer with {@code bf16=True}.
     */
    BF16_AUTOCAST(DType.FLOAT32, DType.BFLOAT16, "bf16-autocast", "amp-bf16"),
    /**
     * bfloat16 weights and gradients; the optimizer keeps a float32 master copy of every trainable
     * weight and float32 AdamW moments, updates the master and rounds it into the weights after
     * each step (DeepSpeed's {@code bf16} mode, what the paper trained Llama-2-7B with).
     */
    BF16(DType.BFLOAT16, null, "bf16", "bfloat16");

    /** The dtype the model's weights (and their gradients) are loaded in. */
    public final DType weights;
    /** The autocast dtype of the forward pass, or null for none. */
    public final DType autocast;
    private final String[] spellings;

    Precision(DType weights, DType autocast, String... spellings) {
        this.weights = weights;
        this.autocast = autocast;
        this.spellings = spellings;
    }

    /** The canonical spelling ({@code fp32}, {@code bf16-autocast}, {@code bf16}); also the JSON form. */
    @JsonValue
    public String spelling() {
        return spellings[0];
    }

    /** True when the optimizer keeps an fp32 copy of weights stored in a narrower type. */
    public boolean hasMasterWeights() {
        return weights != DType.FLOAT32;
    }

    /**
     * Parses one of the spellings; anything else is an error naming {@code option} and listing them,
     * e.g. {@code --precision fp16: fp16 training is not supported ...}.
     */
    public static Precision parse(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            for (String s : p.spellings) if (s.equals(v)) return p;
        }
        String why = v.equals("fp16") || v.equals("float16") || v.equals("half")
                ? "fp16 training is not supported (it needs loss scaling; bf16 does not); "
                : "unknown precision; ";
        throw new IllegalArgumentException(option + " " + value + ": " + why + "expected " + allowed());
    }

    /** The precision a study's {@code dtype} trains with: float32 -> fp32, bfloat16 -> bf16. */
    public static Precision forDType(String option, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> FP32;
            case BFLOAT16 -> BF16;
            default -> throw new IllegalArgumentException(option + " " + dtype.torchName()
                    + ": training supports float32 and bfloat16 only; expected " + allowed());
        };
    }

    /** {@code fp32|float32, bf16-autocast|amp-bf16, bf16|bfloat16}. */
    static String allowed() {
        List<String> all = new ArrayList<>();
        for (Precision p : values()) all.add(String.join("|", p.spellings));
        return String.join(", ", all);
    }
}
