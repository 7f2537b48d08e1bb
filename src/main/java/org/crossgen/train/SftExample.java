package org.crossgen.train;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import org.crossgen.prompt.TrainingExample;
import org.crossgen.text.ContinuationTokens;
import org.crossgen.text.Tokenizer;

/**
 * One tokenized supervised example. The trainer feeds {@code prompt + target + EOS} and computes
 * the loss only on {@code target + EOS} (the prompt's labels are -100).
 *
 * @param promptIds token ids of the prompt, BOS first (FTICL demonstrations are part of it); >= 1 id
 * @param targetIds token ids of the answer, without EOS (the trainer appends it); may be empty
 */
public record SftExample(long[] promptIds, long[] targetIds) {
    public SftExample {
        if (promptIds == null || promptIds.length == 0) throw new IllegalArgumentException("promptIds must hold at least BOS");
        if (targetIds == null) throw new IllegalArgumentException("targetIds must not be null (use an empty array)");
        promptIds = promptIds.clone();
        targetIds = targetIds.clone();
    }

    /**
     * Tokenizes a prompt/target pair exactly as evaluation splits a context and its continuation
     * ({@link ContinuationTokens}: one BOS, the target tokenized in context), so training and
     * scoring see the same target tokens.
     */
    public static SftExample encode(TrainingExample example, Tokenizer tokenizer) {
        ContinuationTokens t = ContinuationTokens.of(tokenizer, example.prompt(), example.target());
        return new SftExample(t.context(), t.continuation());
    }

    public static List<SftExample> encodeAll(List<TrainingExample> examples, Tokenizer tokenizer) {
        List<SftExample> out = new ArrayList<>(examples.size());
        for (TrainingExample e : examples) out.add(encode(e, tokenizer));
        return out;
    }

    /** Tokens the model reads: prompt, target and EOS. */
    public int length() {
        return promptIds.length + targetIds.length + 1;
    }

    /**
     * SHA-256 (hex) of the examples' token ids in order: for each, the prompt length, prompt ids,
     * target length and target ids as big-endian int64. Same data, same hash on every machine.
     */
    public static String sha256(List<SftExample> examples) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (SftExample e : examples) {
                ByteBuffer b = ByteBuffer.allocate(8 * (2 + e.promptIds.length + e.targetIds.length));
                b.putLong(e.promptIds.length);
                for (long id : e.promptIds) b.putLong(id);
                b.putLong(e.targetIds.length);
                for (long id : e.targetIds) b.putLong(id);
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
