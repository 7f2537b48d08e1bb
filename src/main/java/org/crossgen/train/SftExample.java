package org.crossgen.train;

import java.nio.ByteBuffer;
import java.util.List;
import org.crossgen.files.ContentHash;
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

    /** Tokens the model reads: prompt, target and EOS. */
    public int length() {
        return promptIds.length + targetIds.length + 1;
    }

    /**
     * SHA-256 (hex) of the examples' token ids in order: for each, the prompt length, prompt ids,
     * target length and target ids as big-endian int64. Same data, same hash on every machine.
     */
    public static String sha256(List<SftExample> examples) {
        return ContentHash.sha256Bytes(examples.stream().map(SftExample::int64Bytes));
    }

    /** Prompt length, prompt ids, target length and target ids as big-endian int64. */
    private byte[] int64Bytes() {
        ByteBuffer b = ByteBuffer.allocate(8 * (2 + promptIds.length + targetIds.length));
        b.putLong(promptIds.length);
        for (long id : promptIds) b.putLong(id);
        b.putLong(targetIds.length);
        for (long id : targetIds) b.putLong(id);
        return b.array();
    }
}
