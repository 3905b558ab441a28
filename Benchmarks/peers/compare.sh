#!/usr/bin/env bash
# Runs the peer workload (N VMs x T threads over one shared link; see README.md) in replsim, SimGrid and SimPy,
# checks that the makespans agree within 0.1 %, and prints makespans, wall times and ratios.
#
# Usage: Benchmarks/peers/compare.sh [A] [B] [C] [D] [E] [S]     (default: A B C D)
# Cases A-E are read from scenarios/benchmarks/peer-<case>.yaml (see the README there); S is defined here.
#   A: 3 VMs x 8 threads, 1 Gbps, RTT 2 ms, 10 GiB/VM          (7,680 transfers)
#   B: 100 VMs x 32 threads, 10 Gbps, RTT 10 ms, 10 GiB/VM     (256,000 transfers)
#   C: 100 VMs, 10 Gbps, RTT 10 ms, 1 GiB/VM, threads 1..32    (32 runs of 25,600 transfers)
#   D: 3 VMs x 1 thread, 10 Gbps, RTT 10 ms, 100 MiB/VM        (link often idle: exercises the think time)
#   E: 3 VMs x 2 threads, 10 Gbps, RTT 10 ms, 1 GiB/VM          (near saturation: the makespan is ill-conditioned,
#      a 1e-13 s change in RTT moves it by up to 0.5 %, so E is reported but not checked; see README.md)
#   S: scaling: case B's shape (32 threads, 10 Gbps, 10 ms) at N = 3, 10, 25, 50 VMs with 10 GiB/VM, and at
#      N = 10 with 1, 2.5 and 5 GiB/VM (wall time against VM count and data size)
# Environment:
#   REPLSIM_PEER_CMD  command that accepts --vms N --threads T --link-bps C --rtt-s R --extra-wait-s 0.005
#                     --bytes-per-vm D --chunk-bytes 4194304 and prints {"tool":"replsim","makespan_s":...,
#                     "transfers":...,"wall_s":...}; default: "<repo>/.build/release/replsim bench-peer" (built with
#                     `swift build -c release --product replsim` if missing); set it to "" for a "not wired" column.
#   PEER_TOOLS        tools to run, default "replsim simgrid simpy" (e.g. PEER_TOOLS="simpy replsim" to skip SimGrid)
#   PEER_SIMGRID_MAX_VMS  when set, case B runs SimGrid only at this many VMs (as an extra case "B/N=..." run by
#                     every tool) instead of 100: SimGrid takes minutes on the full case
#   PYTHON            Python with simpy installed (default python3)
# Raw results (one JSON line per run, plus process wall time) go to Benchmarks/peers/build/results-<UTC time>/.
# Exit status: 0 if every pair of makespans agrees within 0.1 % and transfer counts match, 1 otherwise, 2 on setup errors.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
tools="${PEER_TOOLS:-replsim simgrid simpy}"
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(A B C D)
for c in "${cases[@]}"; do
    case "$c" in A|B|C|D|E|S) ;; *) echo "compare.sh: unknown case '$c' (expected A, B, C, D, E or S)" >&2; exit 2 ;; esac
done

GiB=1073741824
MiB=1048576
chunk=$((4 * MiB))
out="$here/build/results-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
results="$out/results.tsv"
: > "$results"

has_tool() { [[ " $tools " == *" $1 "* ]]; }

# --- build / availability -------------------------------------------------------------------------------
if has_tool simgrid; then
    if pkg-config --exists simgrid; then
        "$here/simgrid/build.sh"
    else
        echo "compare.sh: SimGrid not installed (apt-get install -y libsimgrid-dev simgrid); skipping it" >&2
        tools="${tools//simgrid/}"
    fi
fi
if has_tool simpy && ! "$python" -c 'import simpy' 2>/dev/null; then
    echo "compare.sh: '$python' cannot import simpy (pip install simpy); skipping SimPy" >&2
    tools="${tools//simpy/}"
fi
repo="$(cd "$here/../.." && pwd)"
if [ -z "${REPLSIM_PEER_CMD+set}" ] && has_tool replsim; then
    if [ ! -x "$repo/.build/release/replsim" ]; then
        echo "compare.sh: building replsim (release) for the replsim column" >&2
        (cd "$repo" && nice -n 10 swift build -c release --product replsim >&2) || { echo "compare.sh: replsim build failed" >&2; exit 2; }
    fi
    REPLSIM_PEER_CMD="$repo/.build/release/replsim bench-peer"
fi
replsim_note=""
if ! has_tool replsim; then
    replsim_note="not run"
elif [ -z "${REPLSIM_PEER_CMD:-}" ]; then
    tools="${tools//replsim/}"
    replsim_note="not wired"
fi

run_tool() { # tool label args... ; appends "label<TAB>tool<TAB>process_s<TAB>json" to $results
    local tool="$1" label="$2"; shift 2
    local cmd
    case "$tool" in
        simgrid) cmd=("$here/build/simgrid-peer") ;;
        simpy)   cmd=("$python" "$here/simpy/peer.py") ;;
        analytic) cmd=("$python" "$here/analytic.py") ;;
        replsim) cmd=(bash -c "$REPLSIM_PEER_CMD \"\$@\"" replsim-peer) ;;
        *) echo "compare.sh: unknown tool $tool" >&2; exit 2 ;;
    esac
    local t0 t1 json err="$out/${label//[^A-Za-z0-9=.,-]/_}.$tool.err"
    t0=$(date +%s.%N)
    if ! json=$(nice -n 19 "${cmd[@]}" "$@" 2> "$err" | tail -n 1); then
        echo "compare.sh: $tool failed on case $label; see $err" >&2
        json='{"error":"failed"}'
    fi
    t1=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\n' "$label" "$tool" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
        "$json" >> "$results"
    echo "  $label $tool: $json" >&2
}

scenarios="$repo/scenarios/benchmarks"
case_runs() { # case -> one line "label vms threads link_bps rtt_s bytes_per_vm" per run, from scenarios/benchmarks/peer-<case>.yaml
    "$python" - "$scenarios/peer-$1.yaml" <<'PY'
import sys, yaml
path = sys.argv[1]
try:
    with open(path) as f:
        d = yaml.safe_load(f)
    threads = d["threadsPerVM"]
    for t in threads:
        label = d["case"] if len(threads) == 1 else f'{d["case"]}/T={t}'
        print(label, int(d["vms"]), int(t), float(d["linkBitsPerSecond"]), float(d["rttSeconds"]), int(d["bytesPerVM"]))
except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as e:
    sys.exit(f"compare.sh: cannot read case file {path}: {e}")
PY
}

run_case() { # label vms threads link_bps rtt_s bytes_per_vm [tools]
    local label="$1" vms="$2" threads="$3" bps="$4" rtt="$5" bytes="$6" tool
    for tool in analytic ${7:-$tools}; do
        run_tool "$tool" "$label" --vms "$vms" --threads "$threads" --link-bps "$bps" --rtt-s "$rtt" \
            --extra-wait-s 0.005 --bytes-per-vm "$bytes" --chunk-bytes "$chunk"
    done
}

echo "compare.sh: tools: ${tools:-none}; raw results in $out" >&2
for c in "${cases[@]}"; do
    case "$c" in
        B)  if [ -n "${PEER_SIMGRID_MAX_VMS:-}" ] && has_tool simgrid; then
                # SimGrid is too slow for the full case here: run everyone at the smaller N too, and skip it at 100.
                read -r _ _ t bps rtt bytes < <(case_runs B)
                run_case "B/N=$PEER_SIMGRID_MAX_VMS" "$PEER_SIMGRID_MAX_VMS" "$t" "$bps" "$rtt" "$bytes"
                while read -r label vms t bps rtt bytes; do
                    run_case "$label" "$vms" "$t" "$bps" "$rtt" "$bytes" "${tools//simgrid/}"
                done < <(case_runs B)
            else
                while read -r label vms t bps rtt bytes; do run_case "$label" "$vms" "$t" "$bps" "$rtt" "$bytes"; done \
                    < <(case_runs B)
            fi ;;
        A|C|D|E)
            runs=$(case_runs "$c") || exit 2
            while read -r label vms t bps rtt bytes; do run_case "$label" "$vms" "$t" "$bps" "$rtt" "$bytes"; done \
                <<< "$runs" ;;
        S) for n in 3 10 25 50; do run_case "S/N=$n,D=10GiB" "$n" 32 1e10 0.010 $((10 * GiB)); done
           for mib in 1024 2560 5120; do run_case "S/N=10,D=${mib}MiB" 10 32 1e10 0.010 $((mib * MiB)); done ;;
    esac
done

# --- table ---------------------------------------------------------------------------------------------
"$python" "$here/table.py" "$results" "${replsim_note}" | tee "$out/table.md"
