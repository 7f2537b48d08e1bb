package org.crossgen.prompt;

import java.util.List;

/**
 * The prompt for one test record, and what its answer is scored against.
 *
 * @param prompt    prompt text without BOS (the tokenizer adds exactly one); the answer follows it
 *                  directly
 * @param reference the record's output: a label, "-" for the paper's unlabelled records (never
 *                  matched, so always scored wrong), or the reference text of a generation task
 * @param choices   the task's labels, each a continuation to score; empty for a generation task
 * @param position  the test record's position in its file
 * @param shots     number of demonstrations in {@code prompt}
 */
public record EvalPrompt(String prompt, String reference, List<String> choices, int position, int shots) {
    public EvalPrompt {
        choices = List.copyOf(choices);
        if (shots < 0) throw new IllegalArgumentException("shots must be >= 0, got " + shots);
    }
}
