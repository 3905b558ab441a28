#!/usr/bin/env bash
# Submits a replsim run, sweep or plan as a Slurm job array of N shards plus a merge job that starts when every shard
# succeeded (--dependency=afterok) and is cancelled if one fails (--kill-on-invalid-dep=yes).
#
#   deploy/slurm/submit.sh [--wait] N PARTS_DIR OUT_DIR run|sweep|plan SCENARIO.yaml [replsim options...]
#
# Run it from the folder the scenario path is relative to (the jobs start there; result.json records the path
# as given). PARTS_DIR and OUT_DIR must be on a file system every node sees. Prints "<array job id> <merge job id>".
# --wait: return only when the merge job ended (sbatch --wait); exit 1 unless it COMPLETED (a failed shard cancels it).
# Environment: REPLSIM (binary, default replsim on PATH; exported to the jobs), CPUS_PER_SHARD (default 1),
# SBATCH_EXTRA (more sbatch options for both jobs, e.g. "--partition=batch --time=01:00:00"),
# LOG_DIR (Slurm output files, default PARTS_DIR/logs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wait_flag=()
if [ "${1:-}" = "--wait" ]; then wait_flag=(--wait); shift; fi
if [ $# -lt 5 ]; then
  sed -n '2,13p' "$0" >&2
  exit 2
fi
shards="$1"; parts="$2"; out="$3"; shift 3
case "$shards" in
  '' | *[!0-9]* | 0) echo "submit.sh: N must be a whole number >= 1, got '$shards'" >&2; exit 2 ;;
esac
logs="${LOG_DIR:-$parts/logs}"
mkdir -p "$parts" "$logs"
# shellcheck disable=SC2206  # SBATCH_EXTRA is a list of options, split on purpose
extra=(${SBATCH_EXTRA:-})
array=$(sbatch --parsable "${extra[@]}" --export=ALL --array="0-$((shards - 1))" \
  --cpus-per-task="${CPUS_PER_SHARD:-1}" --output="$logs/shard-%A_%a.out" \
  "$here/shard.sbatch" "$parts" "$@")
array="${array%%;*}"
echo "$array"
merge_args=(--export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$logs/merge-%j.out"
  "$here/merge.sbatch" "$parts" "$out")
if [ ${#wait_flag[@]} -eq 0 ]; then
  exec sbatch --parsable "${extra[@]}" "${merge_args[@]}"
fi
# sbatch --wait exits 0 also for a merge job Slurm cancelled (a shard failed), so the job's final state decides.
sbatch --parsable --wait "${extra[@]}" "${merge_args[@]}" >"$logs/merge.jobid" &
waiter=$!
trap 'kill "$waiter" 2>/dev/null; exit 1' TERM INT
status=0
wait "$waiter" || status=$?
trap - TERM INT
merge="$(cut -d';' -f1 "$logs/merge.jobid")"
echo "$merge"
state="$(scontrol show job -o "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')"
if [ "$status" -ne 0 ] || [ "$state" != COMPLETED ]; then
  echo "submit.sh: merge job $merge ended ${state:-in an unknown state} (exit $status); a shard failed? see $logs" >&2
  exit 1
fi
