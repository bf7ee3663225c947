#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests of `trame plan --slurm` and `trame slurm status`.
#
#   scripts/slurm-cluster.sh start|stop|status|env
#
# Everything lives in one state folder, $TRAME_SLURM_DIR (default: ${TMPDIR:-/tmp}/trame-slurm): its own
# munge key, munged socket, slurm.conf, spool, state, logs and pid files. Nothing under /etc is touched and
# no systemd is needed: it runs as root in a container (SlurmUser=root) or as an ordinary user (the daemons
# then run as that user and only that user's jobs run).
#
#   start   creates the munge key if missing, starts munged, writes slurm.conf (one node, `localhost`, with
#           the CPUs and RealMemory `slurmd -C` reports), starts slurmctld and slurmd, and waits until
#           `sinfo` shows the node idle. Already running: says so and returns at once.
#   stop    stops the three daemons it started (by the pids in their pid files) and waits for them to exit.
#   status  prints `running` (exit 0) or `stopped` (exit 1), and sinfo's line when running.
#   env     prints `export SLURM_CONF=…` for the clients (sbatch, squeue, sacct, sinfo): eval "$(… env)".
#
# Accounting without a database: `AccountingStorageType=accounting_storage/none` leaves `sacct` with no
# history ("Slurm accounting storage is disabled"), but `JobCompType=jobcomp/filetxt` makes slurmctld append
# one line per finished job (array tasks included) to $STATE/jobcomp.log, and `sacct --completion` reads it.
# `trame slurm status` uses that, then squeue for what has not finished.
#
# Ports: TRAME_SLURM_CTLD_PORT (default 6817) and TRAME_SLURM_D_PORT (default 6818).
set -euo pipefail

state="${TRAME_SLURM_DIR:-${TMPDIR:-/tmp}/trame-slurm}"
ctld_port="${TRAME_SLURM_CTLD_PORT:-6817}"
d_port="${TRAME_SLURM_D_PORT:-6818}"
conf="$state/slurm.conf"
export SLURM_CONF="$conf"

die() { echo "slurm-cluster: $*" >&2; exit 1; }

# The pid in FILE if that process is alive.
alive() { local f="$1" p; [ -s "$f" ] || return 1; p="$(cat "$f")"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

node_state() { sinfo -h -N -n localhost -o '%T' 2>/dev/null | head -n1; }

# Runs a daemon with its stdio on /dev/null and every other inherited descriptor closed: munged keeps what it
# inherits, and a caller that watches its child through a descriptor (Foundation's Process does) or reads this
# script's output would otherwise wait for as long as the daemon lives.
detached() {
  ( for f in /proc/$BASHPID/fd/*; do
      f="${f##*/}"
      case "$f" in 0|1|2) ;; *) eval "exec $f>&-" 2>/dev/null || true ;; esac
    done
    exec "$@" </dev/null >/dev/null 2>&1 )
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: install Debian's slurm-wlm and munge (scripts/install-deps.sh)"; }

start() {
  need munged; need slurmctld; need slurmd; need sinfo
  mkdir -p "$state"/{spool,ctld,log,run}
  chmod 0700 "$state"
  local user; user="$(id -un)"

  # munge: its own key and socket, so a system munged (if any) is left alone.
  if [ ! -s "$state/munge.key" ]; then
    (umask 077; dd if=/dev/urandom of="$state/munge.key" bs=1024 count=1 status=none)
  fi
  chmod 0400 "$state/munge.key"
  if ! alive "$state/run/munged.pid"; then
    local force=(); [ "$(id -u)" -eq 0 ] && force=(--force)
    detached munged "${force[@]}" --socket="$state/run/munge.socket" --key-file="$state/munge.key" \
      --pid-file="$state/run/munged.pid" --log-file="$state/log/munged.log" --seed-file="$state/munged.seed" \
      || die "munged did not start (see $state/log/munged.log)"
  fi

  # One node named localhost with what slurmd -C measures here (CPUs, memory in MB).
  local probe cpus mem
  probe="$(slurmd -C 2>/dev/null | head -n1)"
  cpus="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$probe")"; cpus="${cpus:-$(nproc)}"
  mem="$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$probe")"; mem="${mem:-1024}"
  local new="$conf.new"
  cat >"$new" <<EOF
# Written by scripts/slurm-cluster.sh: a one-node cluster for Trame's tests.
ClusterName=trame
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/run/munge.socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/jobcomp.log
MpiDefault=none
SchedulerType=sched/backfill
# Schedule every second (not every 30–60 s): a merge waiting on its tiles starts as soon as they end.
SchedulerParameters=bf_interval=1,sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
MaxArraySize=10001
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  if [ -f "$conf" ] && cmp -s "$new" "$conf" && alive "$state/run/slurmctld.pid" && alive "$state/run/slurmd.pid"; then
    rm -f "$new"
    wait_idle
    echo "slurm-cluster: already running ($state)"
    return 0
  fi
  # A changed configuration restarts the daemons; an unchanged one only starts what is not running.
  if [ -f "$conf" ] && ! cmp -s "$new" "$conf"; then stop_one slurmd; stop_one slurmctld; fi
  mv "$new" "$conf"
  alive "$state/run/slurmctld.pid" || detached slurmctld -f "$conf" || die "slurmctld did not start (see $state/log/slurmctld.log)"
  alive "$state/run/slurmd.pid" || detached slurmd -f "$conf" -N localhost || die "slurmd did not start (see $state/log/slurmd.log)"
  wait_idle
  echo "slurm-cluster: running ($state); eval \"\$($0 env)\" for the clients"
}

# Waits up to 60 s for the node to be idle (or allocated/mixed: it has registered and takes jobs).
wait_idle() {
  local s
  for _ in $(seq 1 120); do
    s="$(node_state)"
    case "$s" in
      idle|mixed|allocated|completing) return 0 ;;
      drain*|down*) scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  die "the node is not idle after 60 s (state: ${s:-none}); see $state/log/slurmctld.log and slurmd.log"
}

stop_one() {
  local f="$state/run/$1.pid" p
  alive "$f" || { rm -f "$f"; return 0; }
  p="$(cat "$f")"
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
  rm -f "$f"
}

stop() {
  stop_one slurmd
  stop_one slurmctld
  stop_one munged
  echo "slurm-cluster: stopped"
}

status() {
  if alive "$state/run/slurmctld.pid" && alive "$state/run/slurmd.pid" && alive "$state/run/munged.pid"; then
    echo "running ($state)"
    sinfo -N 2>/dev/null || true
    return 0
  fi
  echo "stopped"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 64 ;;
esac
