package org.crossgen.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A dataset of a task: its test file, its training files by nominal size and its demonstration
 * pool, any of which but the test file may be absent. The id is {@code task/name}, e.g.
 * {@code sentiment/yelp}.
 *
 * <p>Loading reads the file each time and checks every record ({@link #validate()} lists what is
 * checked). A load fails fast with {@link DatasetFormatException} on any error; warnings (records
 * kept as the paper used them) are not printed on every load but listed where they matter:
 * {@code crossgen data validate}, the study plan and the report's data section.
 *
 * @param task     the task its records belong to
 * @param name     dataset name, unique within the task
 * @param inDomain whether this is the task's in-domain set (the one its training files come from)
 * @param test     the test file
 * @param train    training files by nominal size (2000, 4000, 6000); a file may hold fewer records
 * @param demos    the demonstration pool, or null when the dataset has none
 */
public record Dataset(Task task, String name, boolean inDomain, DataFile test,
                      SortedMap<Integer, DataFile> train, DataFile demos) {
    public Dataset {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("dataset name must be lower-case letters, digits, '_' or '-', got \""
                    + name + "\"");
        }
        if (test == null) throw new IllegalArgumentException("dataset " + task.name() + "/" + name + " needs a test file");
        train = Collections.unmodifiableSortedMap(new TreeMap<>(train));
        for (int size : train.keySet()) {
            if (size <= 0) throw new IllegalArgumentException("train size must be > 0, got " + size);
        }
    }

    /** {@code task/name}. */
    public String id() {
        return task.name() + "/" + name;
    }

    /** The demonstration pool's file, if the dataset has one. */
    public Optional<DataFile> demosFile() {
        return Optional.ofNullable(demos);
    }

    /** The file of {@code split}; {@code size} picks the training file and is ignored otherwise. */
    public DataFile file(Split split, int size) {
        return switch (split) {
            case TEST -> test;
            case DEMOS -> demosFile().orElseThrow(() -> new IllegalArgumentException(id() + " has no demonstration pool"));
            case TRAIN -> {
                DataFile f = train.get(size);
                if (f == null) {
                    throw new IllegalArgumentException(id() + " has no training file of size " + size
                            + (train.isEmpty() ? " (it has no training files)" : ", sizes: " + train.keySet()));
                }
                yield f;
            }
        };
    }

    /** The test records. */
    public List<Example> testExamples() {
        return load(Split.TEST, 0);
    }

    /** The training records of the file with nominal {@code size}. */
    public List<Example> trainExamples(int size) {
        return load(Split.TRAIN, size);
    }

    /** The demonstration pool, in file order (the paper takes the first k). */
    public List<Example> demonstrations() {
        return load(Split.DEMOS, 0);
    }

    /** The records of one split, every one checked; throws on errors (warnings: {@link #validate()}). */
    public List<Example> load(Split split, int size) {
        SplitReader.Loaded loaded = SplitReader.read(task, split, file(split, size));
        List<Problem> errors = loaded.problems().stream().filter(Problem::isError).toList();
        if (!errors.isEmpty()) throw new DatasetFormatException(errors);
        return loaded.examples();
    }

    /**
     * Every problem of every file of this dataset, in file order: per-record checks (see
     * {@link SplitReader}) plus demonstrations that also occur in the test set (warnings: the
     * paper used its pools as they are). A file that cannot be parsed gives one error.
     */
    public List<Problem> validate() {
        List<Problem> problems = new ArrayList<>();
        SplitReader.Loaded tested = readReporting(Split.TEST, test, problems);
        for (DataFile f : train.values()) readReporting(Split.TRAIN, f, problems);
        if (demos != null) {
            SplitReader.Loaded pool = readReporting(Split.DEMOS, demos, problems);
            if (tested != null && pool != null) problems.addAll(overlaps(pool.examples(), tested));
        }
        return problems;
    }

    private SplitReader.Loaded readReporting(Split split, DataFile file, List<Problem> problems) {
        try {
            SplitReader.Loaded loaded = SplitReader.read(task, split, file);
            problems.addAll(loaded.problems());
            return loaded;
        } catch (DatasetFormatException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private List<Problem> overlaps(List<Example> pool, SplitReader.Loaded tested) {
        Map<Example.Content, Integer> testPosition = new HashMap<>();
        for (Example t : tested.examples()) testPosition.putIfAbsent(t.content(), t.position());
        List<Problem> problems = new ArrayList<>();
        for (Example d : pool) {
            Integer at = testPosition.get(d.content());
            if (at != null) {
                problems.add(Problem.warning(demos.name(), d.position(), "demonstration is also record " + at
                        + " of the test set " + test.name() + " (kept: the paper used the pool as is)"));
            }
        }
        return problems;
    }
}
