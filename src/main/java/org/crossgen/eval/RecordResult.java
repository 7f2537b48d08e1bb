package org.crossgen.eval;

import java.util.Map;

/**
 * One evaluated test record, as written to {@code records.jsonl}: enough to re-score it without
 * running the model.
 *
 * @param position     the record's position in its test file
 * @param promptSha256 SHA-256 of the exact prompt text (BOS excluded)
 * @param promptTokens prompt length in tokens, BOS included
 * @param truncated    whether demonstrations or input were cut to fit the token budget
 * @param prediction   the chosen label, or the generated text cut at the first stop string
 * @param reference    the record's output ("-" for unlabelled records: never correct)
 * @param labelScores  per label, the score that chose the prediction (classification only)
 */
public record RecordResult(int position, String promptSha256, int promptTokens, boolean truncated,
                           String prediction, String reference, Map<String, Double> labelScores) {}
