package org.crossgen.prompt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crossgen.data.Example;
import org.crossgen.text.Tokenizer;

/**
 * Fits a prompt into a token budget without touching the target or the template text.
 *
 * <p>Tokens are counted as the model sees them: BOS + prompt for evaluation; BOS + prompt +
 * target + EOS for training (prompt and target encoded separately, see {@link Tokenizer}). For
 * evaluation the budget covers the prompt only: a caller that generates or scores a continuation
 * subtracts its length first.
 *
 * <p>Order of cuts: (1) drop demonstrations, the farthest back (first in the prompt) first;
 * (2) cut the record's input text from its end, always from whichever input field is currently the
 * longest in characters (so for two-input tasks the longer input shrinks first, down to the length
 * of the other, and a question's context before its answer). Cuts fall on token boundaries and
 * never split a character. A budget that even the template with empty inputs (and the target)
 * exceeds is an error.
 */
public final class PromptTruncator {
    private final Tokenizer tokenizer;
    private final int maxTokens;

    /** @param maxTokens the budget in tokens, BOS included */
    public PromptTruncator(Tokenizer tokenizer, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
    }

    /**
     * What fitting did to one prompt.
     *
     * @param prompt                the fitted prompt text
     * @param tokens                its tokens, the fixed ones (BOS; target and EOS for training) included
     * @param droppedDemonstrations demonstrations removed
     * @param cutCharacters         characters cut from the record's input fields
     * @param cutTokens             tokens the input cut removed (after the demonstrations were dropped)
     */
    public record Fit(String prompt, int tokens, int droppedDemonstrations, int cutCharacters, int cutTokens) {
        /** True if the prompt lost demonstrations or input text. */
        public boolean truncated() {
            return droppedDemonstrations > 0 || cutCharacters > 0;
        }
    }

    /**
     * How many prompts of a set fitting changed, so that no truncation goes unreported: written into
     * evaluation summaries, training run cards, the study store and the report.
     *
     * @param prompts               prompts fitted
     * @param truncated             prompts that lost demonstrations or input text
     * @param lostDemonstrations    prompts that lost at least one demonstration
     * @param droppedDemonstrations demonstrations dropped, over all prompts
     * @param cutInputs             prompts whose input text was cut
     * @param cutTokens             input tokens cut, over all prompts
     */
    public record Summary(int prompts, int truncated, int lostDemonstrations, long droppedDemonstrations, int cutInputs, long cutTokens) {
        public static Summary of(List<Fit> fits) {
            int truncated = 0, lost = 0, cut = 0;
            long dropped = 0, tokens = 0;
            for (Fit f : fits) {
                if (f.truncated()) truncated++;
                if (f.droppedDemonstrations() > 0) lost++;
                if (f.cutCharacters() > 0) cut++;
                dropped += f.droppedDemonstrations();
                tokens += f.cutTokens();
            }
            return new Summary(fits.size(), truncated, lost, dropped, cut, tokens);
        }

        /** The counts under the names summary.json and run_card.json use. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompts", prompts);
            m.put("truncated", truncated);
            m.put("lost_demonstrations", lostDemonstrations);
            m.put("dropped_demonstrations", droppedDemonstrations);
            m.put("input_cut", cutInputs);
            m.put("input_tokens_cut", cutTokens);
            return m;
        }

        @Override
        public String toString() {
            return prompts + " prompts: " + truncated + " truncated (" + lostDemonstrations + " lost " + droppedDemonstrations
                    + " demonstrations, " + cutInputs + " had " + cutTokens + " input tokens cut)";
        }
    }

    /** The evaluation prompt of {@code record}, fitted: BOS + prompt within the budget. */
    public Fit fitEval(PromptBuilder builder, List<Example> demonstrations, Example record) {
        return fit(builder, demonstrations, record, 1);
    }

    /** The training prompt of {@code record}, fitted: BOS + prompt + target + EOS within the budget. */
    public Fit fitTraining(PromptBuilder builder, List<Example> demonstrations, Example record) {
        return fit(builder, demonstrations, record, 1 + tokenizer.count(record.output(), false) + 1);
    }

    private Fit fit(PromptBuilder builder, List<Example> demonstrations, Example record, int fixedTokens) {
        List<Example> demos = new ArrayList<>(demonstrations);
        Map<String, String> fields = new LinkedHashMap<>(record.fields());
        String prompt = builder.prompt(demos, fields);
        int tokens = fixedTokens + tokenizer.count(prompt, false);
        while (tokens > maxTokens && !demos.isEmpty()) {
            demos.remove(0);
            prompt = builder.prompt(demos, fields);
            tokens = fixedTokens + tokenizer.count(prompt, false);
        }
        int cut = 0;
        int beforeCut = tokens;
        while (tokens > maxTokens) {
            String field = longest(fields);
            if (field == null) {
                throw new IllegalArgumentException("record " + record.position() + " cannot fit " + maxTokens
                        + " tokens: with empty inputs it takes " + tokens + " (template"
                        + (fixedTokens > 1 ? " and target" : "") + ")");
            }
            String text = fields.get(field);
            int end = tokenizer.endWithout(text, tokens - maxTokens);
            if (end >= text.length()) end = text.offsetByCodePoints(text.length(), -1); // token counts are not additive: always shorten
            cut += text.length() - end;
            fields.put(field, text.substring(0, end));
            prompt = builder.prompt(demos, fields);
            tokens = fixedTokens + tokenizer.count(prompt, false);
        }
        return new Fit(prompt, tokens, demonstrations.size() - demos.size(), cut, cut == 0 ? 0 : beforeCut - tokens);
    }

    /** The longest non-empty field (the first such in template order on a tie), or null. */
    private static String longest(Map<String, String> fields) {
        String best = null;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!e.getValue().isEmpty() && (best == null || e.getValue().length() > fields.get(best).length())) best = e.getKey();
        }
        return best;
    }
}
