package org.crossgen.data;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crossgen.files.InputFiles;

/**
 * The tasks and datasets crossgen knows: the paper's (shipped on the classpath) plus any added
 * with task files (see {@link TaskFile} for the format). Immutable; {@link #withTaskFile} returns
 * a new registry. Unknown names are errors that list the known ones.
 */
public final class TaskRegistry {
    private static final String PAPER_ROOT = "datasets/generalization-ft-llm/";

    private final Map<String, Task> tasks;
    private final Map<String, Dataset> datasets; // by id, in task-file order: in-domain set first

    private TaskRegistry(Map<String, Task> tasks, Map<String, Dataset> datasets) {
        this.tasks = tasks;
        this.datasets = datasets;
    }

    /**
     * The paper's 5 tasks, their templates from {@code prompt_map.json}, and their datasets
     * (the 18 test sets of the paper's grid plus snli) from the classpath.
     */
    public static TaskRegistry paper() {
        URL url = TaskRegistry.class.getClassLoader().getResource(PAPER_ROOT + "tasks.yaml");
        if (url == null) throw new IllegalStateException("classpath resource missing: " + PAPER_ROOT + "tasks.yaml");
        return new TaskRegistry(new LinkedHashMap<>(), new LinkedHashMap<>())
                .with(new TaskFile(PAPER_ROOT + "tasks.yaml", url, ""));
    }

    /** This registry plus the tasks and datasets of the task file at {@code yaml}. */
    public TaskRegistry withTaskFile(Path yaml) {
        String why = InputFiles.notRegular(yaml);
        if (why != null) throw new IllegalArgumentException("task file " + why + ": " + yaml);
        Path parent = yaml.getParent();
        try {
            return with(new TaskFile(yaml.toString(), yaml.toUri().toURL(), parent == null ? "" : parent + "/"));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(yaml + ": " + e.getMessage(), e);
        }
    }

    private TaskRegistry with(TaskFile file) {
        Map<String, Task> newTasks = new LinkedHashMap<>(tasks);
        Map<String, Dataset> newDatasets = new LinkedHashMap<>(datasets);
        for (TaskFile.Entry entry : file.read()) {
            Task task = entry.newTask();
            if (task != null && newTasks.containsKey(task.name())) {
                throw new IllegalArgumentException(file.name() + ": task " + task.name() + " is already defined; to add datasets to it,"
                        + " leave out fields, labels, metrics and templates");
            }
            if (task == null) {
                task = newTasks.get(entry.taskName());
                if (task == null) {
                    throw new IllegalArgumentException(file.name() + ": unknown task '" + entry.taskName() + "' (to define it, give "
                            + "fields, metrics and templates), known: " + newTasks.keySet());
                }
            }
            newTasks.put(task.name(), task);
            boolean firstOfTask = datasetsOf(newDatasets, task.name()).isEmpty();
            for (TaskFile.DatasetSpec spec : entry.datasets()) {
                Dataset d;
                try {
                    d = new Dataset(task, spec.name(), firstOfTask, spec.test(), new TreeMap<>(spec.train()), spec.demos());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file.name() + ": " + e.getMessage(), e);
                }
                firstOfTask = false;
                if (newDatasets.putIfAbsent(d.id(), d) != null) {
                    throw new IllegalArgumentException(file.name() + ": dataset " + d.id() + " is already defined");
                }
            }
        }
        return new TaskRegistry(newTasks, newDatasets);
    }

    /** All tasks, in definition order. */
    public List<Task> tasks() {
        return List.copyOf(tasks.values());
    }

    /** The task named {@code name}. */
    public Task task(String name) {
        Task t = tasks.get(name);
        if (t == null) throw new IllegalArgumentException("unknown task '" + name + "', known: " + tasks.keySet());
        return t;
    }

    /** All datasets; each task's in-domain set comes first among its own. */
    public List<Dataset> datasets() {
        return List.copyOf(datasets.values());
    }

    /** The datasets of task {@code taskName}, in-domain set first. */
    public List<Dataset> datasets(String taskName) {
        return datasetsOf(datasets, task(taskName).name());
    }

    /** The dataset with id {@code task/name}, e.g. {@code sentiment/yelp}. */
    public Dataset dataset(String id) {
        Dataset d = datasets.get(id);
        if (d == null) throw new IllegalArgumentException("unknown dataset '" + id + "', known: " + datasets.keySet());
        return d;
    }

    private static List<Dataset> datasetsOf(Map<String, Dataset> datasets, String taskName) {
        List<Dataset> out = new ArrayList<>();
        for (Dataset d : datasets.values()) if (d.task().name().equals(taskName)) out.add(d);
        return out;
    }
}
