#!/usr/bin/env bash
# End-to-end check of `crossgen study submit --slurm` on a real, local, single-node Slurm (.ci/slurm-local.sh).
#
#   .ci/slurm-e2e.sh [WORKDIR]      exit 0 = every check passed; prints one PASS/FAIL line per check
#
# 1. A small study (a tiny random Llama, .ci/TinyModel.java, with the mistral-32k tokenizer; spec below) runs locally with
#    `crossgen study run` (the reference), then through Slurm job arrays (--max-parallel 2). Checks: every cell done,
#    each computed exactly once (claims and finishes in the task logs, attempts in study.db), results identical
#    to the local run (exported CSV, every cell's records.jsonl, every fine-tuned model.safetensors).
# 2. The same study in a fresh folder: a training task is killed with kill -9 mid-job (its job stays "running" under
#    a dead worker; Slurm cancels the evaluation array, afterok failed); `submit --retry-failed` resubmits that job
#    and the cells. In that retry an evaluation task is scancel'ed mid-cell (SIGTERM: the cell is marked failed);
#    a second --retry-failed resubmits that cell alone. Checks: each retry takes the interrupted work and nothing
#    done; the study completes; no job or cell finished twice; results identical to the local run.
# The spec: base + ft (full fine-tuning, 2 steps) on 2 training sets, evaluated on 2 test sets = 2 training jobs, 6 cells.
# 3. A training job on 2 CPU ranks (training.ranks_per_job: 2, Gloo): the training array asks for --ntasks-per-node=2,
#    run-cell claims the job and starts its ranks as a job step (srun), each a `study train-rank` JVM. Checks: the
#    job and its cell done, claimed once, the task log shows both ranks joining, run_card.json says world_size 2, and
#    model.safetensors is byte-identical to a local `study run` of the same spec (ranks started as local processes).
#
# SLURM_E2E_PARTS="clean kill ranks" (the default) selects the parts.
# Installs the Debian packages slurmctld slurmd slurm-client munge (and sqlite3) when missing (needs root and apt-get;
# without them the script says SKIPPED and exits 0).
# The Slurm daemons run from a temporary SLURM_DIR and are ALWAYS stopped on exit (trap), by their PIDs.
# Env: SLURM_CTLD_PORT / SLURM_D_PORT (6817 / 6818) if those ports are taken; KEEP=1 keeps WORKDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
T_START=$SECONDS

need=()
{ command -v sbatch && [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ]; } >/dev/null 2>&1 \
  || need+=(slurmctld slurmd slurm-client munge)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)   # the checks read study.db
if [ ${#need[@]} -gt 0 ] && { [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; }; then
  echo "slurm-e2e: SKIPPED: needs ${need[*]}, not installed, and installing them needs root and apt-get" >&2
  exit 0
fi
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -n "${1:-}" ]; then W=$1; KEEP=1; else W=$(mktemp -d /tmp/crossgen-slurm-e2e.XXXXXX); fi
mkdir -p "$W"
W=$(realpath "$W")
export SLURM_DIR
SLURM_DIR=$(mktemp -d /tmp/cgsl.XXXXXX)   # short: the munge socket path must stay under 100 characters
chmod 755 "$SLURM_DIR"
cleanup() {
  local rc=$?
  .ci/slurm-local.sh stop || true
  rm -rf "$SLURM_DIR"
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$W"; fi
  echo "slurm-e2e: $([ $rc = 0 ] && echo ok || echo FAILED) in $((SECONDS - T_START)) s" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PARTS=" ${SLURM_E2E_PARTS:-clean kill ranks} "
part() { [[ "$PARTS" == *" $1 "* ]]; }

FAILS=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# ---- build, model, spec ----
./crossgen --version >/dev/null                      # builds target/classes and target/classpath.txt if needed
java -cp "target/classes:$(cat target/classpath.txt)" .ci/TinyModel.java "$W/tiny" 3
ft_spec='models: [tiny]
methods: [base, ft]
train_datasets: [sentiment/amazon, detection/paws]
eval_sets: [sentiment/yelp, summary/xsum]
templates: [0]
max_new_tokens: 8
training: {epochs: 1, batch_size: 2, max_length: 128}
limits: {eval_records: 4, train_records: 4, max_length: 256}'
printf '# crossgen study submit THIS --slurm\n%s\n' "$ft_spec" > "$W/study.yaml"
SPEC=$W/study.yaml

echo "slurm-e2e: spec $W/study.yaml:"; cat "$W/study.yaml"
if part clean || part kill; then
  t0=$SECONDS
  ./crossgen study run "$SPEC" --out "$W/local" --workers 1 > "$W/local.out" 2>&1 || { cat "$W/local.out"; exit 1; }
  ./crossgen study export "$W/local" --csv-file "$W/local.csv" >/dev/null
  CELLS=$(($(sqlite3 "$W/local/study.db" "SELECT count(*) FROM cells WHERE in_plan = 1")))
  JOBS=$(($(sqlite3 "$W/local/study.db" "SELECT count(*) FROM training_jobs WHERE in_plan = 1")))
  echo "slurm-e2e: local reference run: $JOBS training job(s), $CELLS cell(s) in $((SECONDS - t0)) s"
fi

# ---- Slurm ----
.ci/slurm-local.sh start
eval "$(.ci/slurm-local.sh env)"

# Waits until no array of study folder $1 is in the queue (at most $2 s).
wait_arrays() {
  local ids t=0
  ids=$(cut -f3 "$1/slurm/submissions.tsv" | paste -sd,)
  while [ -n "$(squeue -h -j "$ids" 2>/dev/null)" ]; do
    sleep 1; t=$((t + 1))
    if [ $t -ge "$2" ]; then echo "slurm-e2e: arrays $ids still queued after $2 s:"; squeue; return 1; fi
  done
}

# Checks that study folder $1 is complete, every key finished exactly once per the task logs, and that its
# results equal the local run's; $2 = expected total attempts (claims).
check_study() {
  local d=$1 want_attempts=$2 name=$3
  local done_cells done_jobs attempts claims finishes dup
  done_cells=$(sqlite3 "$d/study.db" "SELECT count(*) FROM cells WHERE in_plan = 1 AND state = 'done'")
  done_jobs=$(sqlite3 "$d/study.db" "SELECT count(*) FROM training_jobs WHERE in_plan = 1 AND state = 'done'")
  check "$name: all $CELLS cells and $JOBS training jobs done (got $done_cells, $done_jobs)" \
    [ "$done_cells" = "$CELLS" -a "$done_jobs" = "$JOBS" ]
  attempts=$(sqlite3 "$d/study.db" "SELECT (SELECT coalesce(sum(attempts), 0) FROM cells WHERE in_plan = 1) + (SELECT coalesce(sum(attempts), 0) FROM training_jobs WHERE in_plan = 1)")
  claims=$(cat "$d"/slurm/logs/*.out | grep -c "run-cell: worker .* claimed " || true)
  finishes=$(cat "$d"/slurm/logs/*.out | grep "run-cell: worker .* finished " | awk '{print $7}' | sort)
  dup=$(echo "$finishes" | uniq -d)
  check "$name: $((CELLS + JOBS)) computations finished, none twice (finished: $(echo "$finishes" | grep -c .), repeated: ${dup:-none})" \
    [ "$(echo "$finishes" | grep -c .)" = $((CELLS + JOBS)) -a -z "$dup" ]
  check "$name: claims in the task logs = attempts in study.db = $want_attempts (logs $claims, store $attempts)" \
    [ "$claims" = "$want_attempts" -a "$attempts" = "$want_attempts" ]
  ./crossgen study export "$d" --csv-file "$d.csv" >/dev/null
  check "$name: exported results identical to the local run ($(($(wc -l < "$d.csv") - 1)) rows)" cmp -s "$W/local.csv" "$d.csv"
  local k differ=0
  for k in $(sqlite3 "$W/local/study.db" "SELECT key FROM cells WHERE in_plan = 1"); do
    cmp -s "$W/local/cells/$k/records.jsonl" "$d/cells/$k/records.jsonl" || differ=$((differ + 1))
  done
  check "$name: every cell's records.jsonl identical to the local run's ($differ differ)" [ $differ = 0 ]
  differ=0
  for k in $(sqlite3 "$W/local/study.db" "SELECT key FROM training_jobs WHERE in_plan = 1"); do
    cmp -s "$W/local/models/$k/model.safetensors" "$d/models/$k/model.safetensors" || differ=$((differ + 1))
  done
  check "$name: every fine-tuned model.safetensors identical to the local run's ($differ of $JOBS differ)" [ $differ = 0 ]
}

if part clean; then
# 1. clean run
t0=$SECONDS
./crossgen study submit "$SPEC" --slurm --out "$W/slurm" --max-parallel 2 | tee "$W/submit1.out"
wait_arrays "$W/slurm" 900
echo "slurm-e2e: Slurm run: $((SECONDS - t0)) s for $JOBS job(s) + $CELLS cell(s), 2 tasks at a time"
for id in $(cut -f3 "$W/slurm/slurm/submissions.tsv"); do
  bad=$(squeue -h -j "$id" -t all -o "%i %T" | grep -vc COMPLETED || true)
  check "Slurm: every task of array $id COMPLETED ($bad not)" [ "$bad" = 0 ]
done
check_study "$W/slurm" $((CELLS + JOBS)) "clean run"

fi

if part kill; then
# 2. kill -9 a task mid-job (training), retry; scancel a task mid-cell (evaluation), retry again
t0=$SECONDS
./crossgen study submit "$SPEC" --slurm --out "$W/kill" --max-parallel 2 | tee "$W/submit2.out"
# Interrupts the first task seen holding a claim on a $2 ("training job" or "evaluation cell") it has not finished:
# $1 = KILL (kill -9 of its JVM) or TERM (scancel of the array task: Slurm sends SIGTERM). Sets VICTIM to its key.
interrupt_one() {
  local sig=$1 what=$2 t=0 f line pid key
  while [ $t -lt 1200 ]; do
    for f in "$W"/kill/slurm/logs/*.out; do
      [ -f "$f" ] || continue
      line=$(grep -h "run-cell: worker .* claimed $what " "$f" | tail -1 || true)
      [ -n "$line" ] || continue
      key=$(echo "$line" | awk '{print $7}')
      pid=$(echo "$line" | sed -E 's/.*worker [^ ]*:([0-9]+) claimed.*/\1/')
      grep -q "finished .* $key " "$f" && continue
      # only a live JVM running this study's run-cell
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] || continue
      tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "run-cell .*$W/kill" || continue
      if [ "$sig" = KILL ]; then kill -9 "$pid"; else scancel "$(basename "$f" .out)"; fi
      VICTIM=$key
      echo "slurm-e2e: $sig sent to task $(basename "$f" .out) (pid $pid) holding $what ${key:0:12}"
      return 0
    done
    sleep 0.1; t=$((t + 1))
  done
  echo "slurm-e2e: no running $what to interrupt"; return 1
}
state_of() {
  sqlite3 "$W/kill/study.db" "SELECT state || ': ' || coalesce(substr(error, 1, 40), '') FROM cells WHERE key = '$1'
                              UNION ALL SELECT state || ': ' || coalesce(substr(error, 1, 40), '') FROM training_jobs WHERE key = '$1'"
}
# Resubmits with --retry-failed as submission $1; checks it takes $2 and nothing already done.
retry() {
  local done_before retry_keys redo
  done_before=$(sqlite3 "$W/kill/study.db" "SELECT key FROM cells WHERE state = 'done' UNION ALL SELECT key FROM training_jobs WHERE state = 'done'")
  ./crossgen study submit "$SPEC" --slurm --out "$W/kill" --max-parallel 2 --retry-failed | tee "$W/retry-$1.out"
  retry_keys=$(cat "$W"/kill/slurm/"$1"-*.keys)
  redo=$(comm -12 <(echo "$done_before" | sort) <(echo "$retry_keys" | sort) | grep -c . || true)
  check "--retry-failed ($1) resubmits the interrupted ${2:0:12} ($(echo "$retry_keys" | grep -c "$2") time) among $(echo "$retry_keys" | grep -c .) task(s), none done before ($redo)" \
    [ "$redo" = 0 -a "$(echo "$retry_keys" | grep -c "$2")" = 1 ]
}
interrupt_one KILL "training job"
killed=$VICTIM
wait_arrays "$W/kill" 900
st=$(state_of "$killed")
check "kill -9 mid-job leaves the job running under a dead worker (got '$st')" [ "${st%%:*}" = running ]
./crossgen study status "$W/kill"
retry s002 "$killed"     # the killed job, and every cell: the evaluation array was cancelled (afterok failed)
interrupt_one TERM "evaluation cell"
termed=$VICTIM
wait_arrays "$W/kill" 900
st=$(state_of "$termed")
check "scancel (SIGTERM) mid-cell marks the cell failed (got '$st')" [ "${st%%:*}" = failed ]
./crossgen study status "$W/kill"
retry s003 "$termed"
wait_arrays "$W/kill" 900
echo "slurm-e2e: kill + retry runs: $((SECONDS - t0)) s"
check_study "$W/kill" $((CELLS + JOBS + 2)) "after kill + retries"
./crossgen study status "$W/kill"

fi

# 3. a training job on 2 CPU ranks (Gloo): run-cell claims it, srun starts the ranks in the task's allocation
if part ranks; then
  printf '# crossgen study submit THIS --slurm\n%s\n' 'models: [tiny]
methods: [ft]
train_datasets: [sentiment/amazon]
eval_sets: [sentiment/yelp]
templates: [0]
max_new_tokens: 8
training: {epochs: 1, batch_size: 4, max_length: 128, ranks_per_job: 2}
limits: {eval_records: 4, train_records: 8, max_length: 256}' > "$W/ranks.yaml"
  export CROSSGEN_THREADS=1   # the same intra-op threads per rank locally and under srun (sbatch passes it on): same sums
  t0=$SECONDS
  ./crossgen study run "$W/ranks.yaml" --out "$W/ranks-local" > "$W/ranks-local.out" 2>&1 || { cat "$W/ranks-local.out"; exit 1; }
  echo "slurm-e2e: local 2-rank reference run: $((SECONDS - t0)) s"
  t0=$SECONDS
  ./crossgen study submit "$W/ranks.yaml" --slurm --out "$W/ranks" | tee "$W/submit-ranks.out"
  wait_arrays "$W/ranks" 900
  echo "slurm-e2e: Slurm 2-rank run: $((SECONDS - t0)) s"
  script=$W/ranks/slurm/s001-train.sbatch
  check "2 ranks: the training script asks for 2 tasks on one node and has run-cell start them with srun" \
    [ "$(grep -c -e '^#SBATCH --nodes=1$' -e '^#SBATCH --ntasks-per-node=2$' -e ' --rank-launcher srun$' "$script")" = 3 ]
  key=$(sqlite3 "$W/ranks/study.db" "SELECT key FROM training_jobs WHERE in_plan = 1")
  st=$(sqlite3 "$W/ranks/study.db" "SELECT (SELECT group_concat(state) FROM training_jobs WHERE in_plan = 1) || ' ' || (SELECT group_concat(state) FROM cells WHERE in_plan = 1)")
  check "2 ranks: the training job and its cell done (got '$st')" [ "$st" = "done done" ]
  log=$(ls "$W"/ranks/slurm/logs/*.out | head -1)
  for f in "$W"/ranks/slurm/logs/*.out; do grep -q "claimed training job" "$f" && log=$f; done
  claims=$(cat "$W"/ranks/slurm/logs/*.out | grep -c "run-cell: worker .* claimed training job" || true)
  check "2 ranks: the job claimed once ($claims)" [ "$claims" = 1 ]
  joined=$(grep -c "\[Gloo\] Rank [01] is connected to 1 peer ranks" "$log" || true)
  check "2 ranks: both ranks joined the Gloo group in the task's log ($joined of 2)" [ "$joined" = 2 ]
  check "2 ranks: no srun error in the task's log" bash -c "! grep -q 'srun: error' '$log'"
  check "2 ranks: run_card.json says world_size 2" grep -q '"world_size" : 2' "$W/ranks/models/$key/run_card.json"
  check "2 ranks: model.safetensors identical to the local 2-rank run's" \
    cmp -s "$W/ranks-local/models/$key/model.safetensors" "$W/ranks/models/$key/model.safetensors"
  unset CROSSGEN_THREADS
fi

echo "slurm-e2e: $FAILS check(s) failed; total $((SECONDS - T_START)) s"
[ $FAILS = 0 ]
