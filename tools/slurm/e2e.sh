#!/usr/bin/env bash
# End-to-end test of sharded sweeps on a real Slurm: a one-node cluster on this machine runs a small sweep as a job
# array (deploy/slurm/submit.sh) plus the dependent merge job, and the merged report must equal a single-machine run
# of the same sweep byte for byte.
#
# Usage: tools/slurm/e2e.sh [REPLSIM_BINARY]   (default: the debug build's replsim)
#
# 1. Skips (exit 0, printing why) unless it can run a cluster: root, Linux. Installs slurm-wlm and munge from
#    Debian when missing (slurmctld, slurmd, sbatch, munged).
# 2. Starts, in a fresh temporary folder and without systemd or anything in /etc: munged (own key, socket, pid and
#    log files), slurmctld and slurmd (a minimal slurm.conf: this host as the only node at 127.0.0.1, two free TCP
#    ports, state and spool in the folder, no cgroups: proctrack/linuxproc, task/none, jobacct_gather/none,
#    select/cons_tres; CPUs from `slurmd -C`). All three run in the foreground as children of this script.
# 3. Runs the sweep on this machine, then submits it as an array of SHARDS shards and a merge job, waits on the
#    merge job itself (sbatch --wait) within a bounded time, and compares the four report files with cmp.
# 4. On any exit: cancels its jobs and stops every daemon it started, by PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARDS=3
SCENARIO=scenarios/ci/reference-quick.yaml
SWEEP=(--threads 1,4 --vms 3 --seeds 2)   # 4 runs of 10 simulated minutes
TIMEOUT_S=600

skip() { echo "slurm e2e: SKIPPED: $*"; exit 0; }
[ "$(uname -s)" = Linux ] || skip "needs Linux"
[ "$(id -u)" -eq 0 ] || skip "needs root (to install Slurm and run slurmd), running as $(id -un)"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null \
  || ! command -v sbatch >/dev/null; then
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
  echo "slurm e2e: installing slurm-wlm and munge"
  apt-get update -qq
  # The packages' own services must not start (this test starts its own daemons): a policy-rc.d that denies
  # every start (exit 101, Debian's invoke-rc.d convention) for the length of the install, unless one exists.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
  fi
  status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null || status=$?
  [ -z "$policy" ] || rm -f "$policy"
  [ "$status" -eq 0 ] || { echo "slurm e2e: apt-get install slurm-wlm munge failed ($status)" >&2; exit 1; }
fi

BIN="${1:-$(swift build --show-bin-path)/replsim}"
[ -x "$BIN" ] || { echo "slurm e2e: no replsim binary at $BIN (build first)" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

WORK="$(mktemp -d /tmp/replsim-slurm.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local status=$?
  if [ -n "${SLURM_CONF:-}" ] && [ -e "$WORK/slurmctld.started" ]; then
    scancel --quiet --user=root >/dev/null 2>&1 || true
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    echo "slurm e2e: FAILED; daemon logs:" >&2
    for log in "$WORK"/*.log "$WORK"/parts/logs/*; do
      [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Two TCP ports nothing listens on (the kernel's choice, released right away).
read -r CTLD_PORT SLURMD_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()')

# munged: own key (1 KiB of random bytes, as mungekey makes), socket and files in $WORK.
mkdir -p "$WORK/munge"
chmod 755 "$WORK/munge"   # munged wants its socket's folder searchable by all; the key stays 0400
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
MUNGE_SOCKET="$WORK/munge/munge.socket"
munged --foreground --force --socket="$MUNGE_SOCKET" --key-file="$WORK/munge/munge.key" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munged.log" --seed-file="$WORK/munge/munged.seed" \
  >>"$WORK/munged.log" 2>&1 &
PIDS+=($!)

NODE="$(hostname -s)"
CPUS="$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -n 1)"
[ -n "$CPUS" ] || CPUS="$(nproc)"
mkdir -p "$WORK/state" "$WORK/spool"
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=replsimtest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
SlurmdTimeout=60
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE CPUs=$CPUS State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF

# Wait for munged's socket before the Slurm daemons need it: poll with a deadline.
deadline=$((SECONDS + 30))
until [ -S "$MUNGE_SOCKET" ]; do
  [ $SECONDS -lt $deadline ] || { echo "slurm e2e: munged did not create its socket in 30 s" >&2; exit 1; }
  sleep 0.2
done
slurmctld -D -c -f "$SLURM_CONF" >>"$WORK/slurmctld.log" 2>&1 &
PIDS+=($!)
touch "$WORK/slurmctld.started"
slurmd -D -f "$SLURM_CONF" -N "$NODE" >>"$WORK/slurmd.log" 2>&1 &
PIDS+=($!)
deadline=$((SECONDS + 60))
until sinfo -h -n "$NODE" -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; do
  [ $SECONDS -lt $deadline ] || { echo "slurm e2e: node $NODE not idle in 60 s: $(sinfo 2>&1)" >&2; exit 1; }
  sleep 0.5
done
echo "slurm e2e: one-node cluster up (node $NODE, $CPUS CPUs, ports $CTLD_PORT/$SLURMD_PORT)"

"$BIN" sweep "$SCENARIO" "${SWEEP[@]}" --quiet --out "$WORK/local" >/dev/null
started=$SECONDS
export REPLSIM="$BIN"
ids=$(timeout "$TIMEOUT_S" deploy/slurm/submit.sh --wait "$SHARDS" "$WORK/parts" "$WORK/merged" \
  sweep "$SCENARIO" "${SWEEP[@]}") || { echo "slurm e2e: the jobs failed or timed out (job ids: $(echo $ids))" >&2; exit 1; }
echo "slurm e2e: array job and merge job $(echo $ids) done in $((SECONDS - started)) s"
parts=$(find "$WORK/parts" -maxdepth 1 -name 'part-*.json' | wc -l)
[ "$parts" -eq "$SHARDS" ] || { echo "slurm e2e: expected $SHARDS parts, found $parts" >&2; exit 1; }
for file in result.json results.csv report.md report.html; do
  cmp "$WORK/local/$file" "$WORK/merged/$file" || { echo "slurm e2e: $file differs" >&2; exit 1; }
done
echo "slurm e2e: PASSED: the merged report of $SHARDS Slurm shards equals the single-machine run byte for byte"
