#!/usr/bin/env bash
# Provenance: copied unchanged from /work/shared/scale-notes/slurm-local.sh (tested recipe, slurm-local.md: Slurm 22.05 + munge, Debian 12).
# Single-node, loopback-only Slurm "cluster" for CI.
#   slurm-local.sh setup|start|stop|status|env
# Needs the Debian packages slurmctld slurmd slurm-client munge (bookworm: Slurm 22.05).
# Runs as whatever user calls it (root or not); no systemd, no /etc changes.
# Env: SLURM_DIR (all state; required), SLURM_CTLD_PORT / SLURM_D_PORT (6817 / 6818),
#      SLURM_CPUS (nproc), SLURM_MEM_MB (1024), SLURM_EXTRA_CONF (lines appended to slurm.conf).
# Clients then need only: export SLURM_CONF=$SLURM_DIR/etc/slurm.conf
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"   # munged, mungekey, slurmctld, slurmd live in /usr/sbin

SLURM_DIR=${SLURM_DIR:?set SLURM_DIR to a short path whose parents are world-executable}
SLURM_DIR=$(realpath -m "$SLURM_DIR")   # slurm.conf needs absolute paths
SLURM_CTLD_PORT=${SLURM_CTLD_PORT:-6817}
SLURM_D_PORT=${SLURM_D_PORT:-6818}
SLURM_CPUS=${SLURM_CPUS:-$(nproc)}
SLURM_MEM_MB=${SLURM_MEM_MB:-1024}
SLURM_USER=$(id -un)          # daemons run as the caller; SlurmUser/SlurmdUser = caller
CONF=$SLURM_DIR/etc/slurm.conf
MUNGE_SOCK=$SLURM_DIR/run/munge.socket
export SLURM_CONF=$CONF

log() { echo "[slurm-local] $*" >&2; }

setup() {
  # With NoCtldInAddrAny/NoInAddrAny the daemons bind to the address gethostname() resolves to.
  # Refuse unless that is loopback (otherwise they would listen on a real interface, or die).
  local addr
  addr=$(getent ahostsv4 "$(hostname)" | awk 'NR==1{print $1}' || true)
  case "$addr" in
    127.*) ;;
    *) log "hostname '$(hostname)' resolves to '${addr:-nothing}', not loopback;" \
           "add '127.0.0.1 $(hostname)' to /etc/hosts"; exit 1 ;;
  esac
  [ ${#MUNGE_SOCK} -lt 100 ] || { log "SLURM_DIR too long for a unix socket path: $MUNGE_SOCK"; exit 1; }
  (umask 022; mkdir -p "$SLURM_DIR"/{etc,run,log,spool/ctld,spool/d,munge})
  chmod 755 "$SLURM_DIR" "$SLURM_DIR/etc" "$SLURM_DIR/log"
  chmod 755 "$SLURM_DIR/run"     # munged refuses a socket dir that is not a+x ...
  local d                        # ... and any directory above it that is not (mktemp -d gives 0700)
  d=$SLURM_DIR
  while [ "$d" != / ]; do
    [ "$(( 0$(stat -c %a "$d") & 1 ))" = 1 ] || { log "$d is not world-executable (chmod o+x it)"; exit 1; }
    d=$(dirname "$d")
  done
  chmod 700 "$SLURM_DIR/munge"   # key dir: owner only
  [ -f "$SLURM_DIR/munge/munge.key" ] || mungekey --create --keyfile="$SLURM_DIR/munge/munge.key"
  chmod 600 "$SLURM_DIR/munge/munge.key"
  cat > "$CONF" <<EOF
ClusterName=ci
SlurmctldHost=localhost
SlurmctldPort=$SLURM_CTLD_PORT
SlurmdPort=$SLURM_D_PORT
SlurmUser=$SLURM_USER
SlurmdUser=$SLURM_USER
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCK,cred_expire=10
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
StateSaveLocation=$SLURM_DIR/spool/ctld
SlurmdSpoolDir=$SLURM_DIR/spool/d
SlurmctldPidFile=$SLURM_DIR/run/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/run/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$SLURM_DIR/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=2
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MailProg=/bin/true
MinJobAge=600
KillWait=5
InactiveLimit=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$SLURM_CPUS RealMemory=$SLURM_MEM_MB State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  if [ -n "${SLURM_EXTRA_CONF:-}" ]; then printf '%s\n' "$SLURM_EXTRA_CONF" >> "$CONF"; fi
  log "wrote $CONF"
}

# alive = pid file exists and that PID is still the daemon named like the file (guards against PID reuse)
pid_alive() { [ -f "$1" ] && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$(basename "$1" .pid)" ]; }

start() {
  [ -f "$CONF" ] || setup
  if ! pid_alive "$SLURM_DIR/run/munged.pid"; then
    munged --socket="$MUNGE_SOCK" --key-file="$SLURM_DIR/munge/munge.key" \
           --pid-file="$SLURM_DIR/run/munged.pid" --log-file="$SLURM_DIR/log/munged.log" \
           --seed-file="$SLURM_DIR/munge/munged.seed"
  fi
  pid_alive "$SLURM_DIR/run/slurmctld.pid" || slurmctld -f "$CONF"
  pid_alive "$SLURM_DIR/run/slurmd.pid"    || slurmd -f "$CONF" -N localhost
  local t0=$SECONDS
  while [ $((SECONDS - t0)) -lt 30 ]; do
    # a daemon that died (bad config, port in use, unresolvable hostname): fail now, because
    # client commands retry a dead controller for ~10 s each
    if [ $((SECONDS - t0)) -ge 2 ] && \
       ! { pid_alive "$SLURM_DIR/run/slurmctld.pid" && pid_alive "$SLURM_DIR/run/slurmd.pid"; }; then
      break
    fi
    if [ "$(timeout 5 sinfo -h -n localhost -o %t 2>/dev/null)" = idle ]; then
      log "up after $((SECONDS - t0)) s (munged $(cat "$SLURM_DIR/run/munged.pid")," \
          "slurmctld $(cat "$SLURM_DIR/run/slurmctld.pid"), slurmd $(cat "$SLURM_DIR/run/slurmd.pid"))"
      return 0
    fi
    sleep 0.1
  done
  log "cluster did not come up; logs in $SLURM_DIR/log:"
  tail -n 5 "$SLURM_DIR/log/slurmctld.log" "$SLURM_DIR/log/slurmd.log" >&2 || true
  exit 1
}

stop() {
  if pid_alive "$SLURM_DIR/run/slurmctld.pid"; then
    scancel --full -p ci 2>/dev/null || true   # every user's jobs (SlurmUser is an operator)
    for _ in $(seq 1 200); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
  fi
  local f p
  for f in slurmd slurmctld munged; do   # only the PIDs this cluster wrote
    if pid_alive "$SLURM_DIR/run/$f.pid"; then
      p=$(cat "$SLURM_DIR/run/$f.pid")
      kill "$p"
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$p" 2>/dev/null; then log "$f ($p) still running"; else log "stopped $f ($p)"; fi
    fi
  done
}

status() {
  local f
  for f in munged slurmctld slurmd; do
    if pid_alive "$SLURM_DIR/run/$f.pid"; then echo "$f running ($(cat "$SLURM_DIR/run/$f.pid"))"; else echo "$f not running"; fi
  done
  sinfo -N -l 2>&1 || true
}

case "${1:-}" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 setup|start|stop|status|env" >&2; exit 2 ;;
esac
