package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crossgen.data.TaskRegistry;

/**
 * What {@code crossgen study plan} shows, as text or as JSON: the counts, each job and cell with its
 * state, the shot counts per task, what the spec asks for that is left out and why, models not on
 * this machine, data warnings, and the cost and time estimates. Needs no model weights: at most a
 * model's config.json (for {@code limits.max_length: model}).
 *
 * @param plan      the plan
 * @param folder    the study folder
 * @param started   whether the folder has a results store
 * @param cost      tokens per job and records per cell
 * @param jobRows   the jobs with their state (pending when not started)
 * @param cellRows  the cells with their state
 * @param warnings  the data warnings of the spec's datasets
 * @param train     training time left
 * @param eval      evaluation time left
 */
public record PlanView(StudyPlan plan, Path folder, boolean started, CostEstimate cost, List<ResultStore.WorkRow> jobRows,
                       List<ResultStore.WorkRow> cellRows, List<String> warnings, Eta.Left train, Eta.Left eval) {

    /** Reads the store of {@code folder} when there is one; throughputs are assumed where none is measured yet. */
    public static PlanView of(StudyPlan plan, Path folder, TaskRegistry registry, double trainTokensPerSecond,
                              double evalRecordsPerSecond) throws IOException {
        CostEstimate cost = CostEstimate.of(plan, registry);
        boolean started = ResultStore.exists(folder);
        List<ResultStore.WorkRow> jobRows, cellRows;
        try (ResultStore store = started ? ResultStore.open(folder) : null) {
            jobRows = Eta.planRows(plan, StudyPhase.TRAIN, store);
            cellRows = Eta.planRows(plan, StudyPhase.EVAL, store);
        }
        Eta.Left train = Eta.of(jobRows, key -> cost.trainTokens().get(key), trainTokensPerSecond);
        Eta.Left eval = Eta.of(cellRows, key -> cost.evalRecords().get(key), evalRecordsPerSecond);
        return new PlanView(plan, folder, started, cost, jobRows, cellRows, DataWarnings.of(plan.spec(), registry), train, eval);
    }

    /** The human-readable plan; {@code brief}: counts and estimates, no list of jobs and cells. */
    public List<String> lines(Path spec, boolean brief) {
        List<String> out = new ArrayList<>();
        out.add("study " + spec + " -> " + folder + (started ? "" : " (not started)"));
        for (String m : plan.absentModels()) {
            out.add("model " + m + ": not on this machine; planned without it (its keys are provisional, study run needs the folder)");
        }
        out.add("training jobs: " + plan.jobs().size() + " (" + done(jobRows) + " done)");
        if (!brief) {
            for (ResultStore.WorkRow r : jobRows) {
                out.add(String.format(Locale.ROOT, "  %-5s %s  %s  ~%,d tokens", mark(r), r.key().substring(0, 12), r.label(),
                        cost.trainTokens().get(r.key())));
            }
        }
        for (String l : plan.leftOut()) out.add("left out: " + l);
        out.add("evaluation cells: " + plan.cells().size() + " (" + done(cellRows) + " done)");
        if (!brief) {
            for (ResultStore.WorkRow r : cellRows) {
                out.add(String.format(Locale.ROOT, "  %-5s %s  %s  %d records", mark(r), r.key().substring(0, 12), r.label(),
                        cost.evalRecords().get(r.key())));
            }
        }
        out.add("evaluation shots by task: " + plan.spec().evalShots()
                + (plan.spec().ficlShots().isEmpty() ? "" : "; FTICL k by task: " + plan.spec().ficlShots()));
        if (!warnings.isEmpty()) {
            out.add("data warnings (crossgen data validate lists every record):");
            for (String w : warnings) out.add("  " + w);
        }
        out.add(String.format(Locale.ROOT, "cost: training ~%,d tokens (chars/4, epochs included), evaluation %,d records",
                cost.totalTrainTokens(), cost.totalEvalRecords()));
        out.add(String.format(Locale.ROOT, "left: training ~%,.0f tokens at %.0f tokens/s (%s) ~ %s; evaluation %,.0f records at %.2f records/s (%s) ~ %s",
                train.cost(), train.costPerSecond(), source(train), StudyStatus.duration(train.seconds()),
                eval.cost(), eval.costPerSecond(), source(eval), StudyStatus.duration(eval.seconds())));
        return out;
    }

    /**
     * The plan as a JSON object: {@code training_jobs}, {@code cells} (counts), {@code eval_shots}
     * and {@code fticl_shots} (task to list), {@code left_out}, {@code absent_models},
     * {@code data_warnings}, {@code cost}, {@code left}; unless {@code brief}, {@code jobs} and
     * {@code cell_list} with key, label, state and cost.
     */
    public Map<String, Object> json(boolean brief) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("spec", String.valueOf(plan.spec().file()));
        j.put("folder", folder.toString());
        j.put("started", started);
        j.put("training_jobs", plan.jobs().size());
        j.put("training_jobs_done", done(jobRows));
        j.put("cells", plan.cells().size());
        j.put("cells_done", done(cellRows));
        j.put("eval_shots", plan.spec().evalShots());
        j.put("fticl_shots", plan.spec().ficlShots());
        j.put("left_out", plan.leftOut());
        j.put("absent_models", plan.absentModels());
        j.put("data_warnings", warnings);
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("train_tokens", cost.totalTrainTokens());
        total.put("eval_records", cost.totalEvalRecords());
        j.put("cost", total);
        Map<String, Object> left = new LinkedHashMap<>();
        left.put("train", left(train));
        left.put("eval", left(eval));
        j.put("left", left);
        if (!brief) {
            j.put("jobs", rows(jobRows, key -> cost.trainTokens().get(key), "tokens"));
            j.put("cell_list", rows(cellRows, key -> cost.evalRecords().get(key).longValue(), "records"));
        }
        return j;
    }

    private static Map<String, Object> left(Eta.Left left) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cost", left.cost());
        m.put("seconds", Double.isNaN(left.seconds()) ? null : left.seconds());
        m.put("rate", left.costPerSecond());
        m.put("rate_source", source(left));
        return m;
    }

    private static List<Map<String, Object>> rows(List<ResultStore.WorkRow> rows, java.util.function.ToLongFunction<String> cost, String unit) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (ResultStore.WorkRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", r.key());
            m.put("label", r.label());
            m.put("state", r.state().sql());
            m.put(unit, cost.applyAsLong(r.key()));
            out.add(m);
        }
        return out;
    }

    private static long done(List<ResultStore.WorkRow> rows) {
        return rows.stream().filter(r -> r.state() == WorkState.DONE).count();
    }

    private static String mark(ResultStore.WorkRow r) {
        return r.state() == WorkState.DONE ? "done" : "-";
    }

    private static String source(Eta.Left left) {
        return left.measured() ? "measured" : "assumed";
    }
}
