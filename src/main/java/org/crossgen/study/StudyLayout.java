package org.crossgen.study;

import java.nio.file.Path;

/**
 * The files and folders of a study folder, the one place that spells their names:
 *
 * <pre>
 * study.db                    results store ({@link ResultStore})
 * model-identity.json         cache of base-model content hashes ({@link ModelIdentity})
 * models/&lt;job key&gt;/           a finished training job's model, with crossgen-job.json and drift.json
 * models/&lt;job key&gt;.partial/   the same job while it trains: its checkpoints, kept until it succeeds
 * cells/&lt;cell key&gt;/            records.jsonl + summary.json of each evaluated cell
 * results.json                the rows the report is made from
 * report/                     the report
 * slurm/                      scripts, key lists and logs of Slurm submissions
 * </pre>
 *
 * @param dir the study folder
 */
public record StudyLayout(Path dir) {
    /** The marker of a finished training job's folder: the job that produced it. */
    static final String JOB_FILE = "crossgen-job.json";

    /** {@code runs/<spec file name without .yaml>}: the study folder when none is given. */
    public static StudyLayout forSpec(Path specFile) {
        String name = specFile.getFileName().toString().replaceFirst("\\.(yaml|yml)$", "");
        return new StudyLayout(Path.of("runs", name));
    }

    public Path store() {
        return dir.resolve("study.db");
    }

    public Path identityCache() {
        return dir.resolve("model-identity.json");
    }

    public Path models() {
        return dir.resolve("models");
    }

    /** The folder of a finished training job. */
    public Path model(String jobKey) {
        return models().resolve(jobKey);
    }

    /** Where a training job trains (and keeps its checkpoints) until it succeeds. */
    public Path partialModel(String jobKey) {
        return models().resolve(jobKey + ".partial");
    }

    /** The marker that makes {@link #model} a finished folder. */
    public Path jobFile(String jobKey) {
        return model(jobKey).resolve(JOB_FILE);
    }

    /** A trained model's loss log, written by the trainer. */
    public Path trainingMetrics(String jobKey) {
        return model(jobKey).resolve("metrics.jsonl");
    }

    public Path cell(String cellKey) {
        return dir.resolve("cells").resolve(cellKey);
    }

    public Path results() {
        return dir.resolve("results.json");
    }

    public Path report() {
        return dir.resolve("report");
    }

    /** Logs of the extra workers of {@code study run --workers N}. */
    public Path logs() {
        return dir.resolve("logs");
    }

    public Path slurm() {
        return dir.resolve("slurm");
    }
}
