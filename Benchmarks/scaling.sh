#!/usr/bin/env bash
# Cost per simulated event against the estate size: the reference scenario's set-up (10 Gbps ExpressRoute at
# 2 ms, 64 KiB window, one 127 GiB disk per VM, 4 MiB chunks, 2015 US GRS account) with its limits scaled with
# the VM count, so that every size runs in the same shape. Prints one row per (shape, VMs, threads): events, CPU
# seconds (user + system of the replsim process), nanoseconds of CPU per event, and that cost relative to the
# smallest size of the same shape and thread count.
#
# Shapes (N = VMs; the 10 and 100 VM points of the default sweep are the two shapes unscaled):
#   account  account ingress, circuit and each host NIC N × 100 Mbit/s: the account's ingress binds every flow
#            (the 100-VM shape of the default sweep)
#   blob     account ingress N × 1 Gbit/s, circuit and each host NIC N × 1 Gbit/s: each VM's page blob (60 MiB/s)
#            binds its flows at 4 and 32 threads, the 64 KiB window at 1 thread (the 10-VM shape)
#
# Each run simulates about the same number of events whatever its size: the simulated duration is a number of
# VM-seconds divided by the VM count (--vm-seconds; disks of 4,095 GB, fully used, so that no VM finishes first).
#
# Usage: Benchmarks/scaling.sh [--replsim PATH] [--shapes "account blob"] [--vms "10 100 1000 3000"]
#                              [--threads "1 4 32"] [--vm-seconds S] [--write-scenarios DIR]
#   --vm-seconds       default 180000 for the account shape, 30000 for the blob shape (about 1 M events each)
#   --write-scenarios  only write the scenario files (DIR/<shape>-<VMs>x<threads>.yaml), e.g. to profile one
#   The release build (swift build -c release --product replsim) is the default replsim. Runs one at a time
#   (--jobs 1); the CPU time is measured, not the wall time, so other load on the machine matters less.
# Exit status: 0, 1 when a run failed, 2 on bad arguments.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
replsim="$root/.build/release/replsim"
shapes="account blob"
vms_list="10 30 100 300 1000 3000"
threads_list="1 4 32"
vm_seconds=""
write_dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --replsim) replsim="$2"; shift 2 ;;
        --shapes) shapes="$2"; shift 2 ;;
        --vms) vms_list="$2"; shift 2 ;;
        --threads) threads_list="$2"; shift 2 ;;
        --vm-seconds) vm_seconds="$2"; shift 2 ;;
        --write-scenarios) write_dir="$2"; shift 2 ;;
        *) echo "scaling.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
for shape in $shapes; do
    case "$shape" in account|blob) ;; *) echo "scaling.sh: unknown shape '$shape' (account or blob)" >&2; exit 2 ;; esac
done
[ -x "$replsim" ] || { echo "scaling.sh: no replsim at $replsim (swift build -c release --product replsim)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes the scenario for $1 = shape, $2 = VMs, $3 = threads to $4.
scenario() {
    local shape="$1" vms="$2" threads="$3" file="$4" per_vm_mbps
    local seconds="$vm_seconds"
    case "$shape" in
        account) per_vm_mbps=100; seconds="${seconds:-180000}" ;;
        blob) per_vm_mbps=1000; seconds="${seconds:-30000}" ;;
    esac
    local scaled="$((vms * per_vm_mbps))Mbps"
    local duration="$((seconds / vms))s"
    cat > "$file" <<EOF
name: scaling-$shape
description: $vms VMs x $threads threads, limits scaled with the VM count ($per_vm_mbps Mbit/s per VM)
seed: 1
duration: $duration
phases: initial
hosts:
  - {name: hyperv-1, nic: $scaled}
  - {name: hyperv-2, nic: $scaled}
  - {name: hyperv-3, nic: $scaled}
vms:
  count: $vms
  placement: round-robin
  disks: [{size: 4095GB, used: 100%}]
replication:
  uploadThreadsPerVM: $threads
  chunkSize: 4MiB
network:
  circuit: {bandwidth: $scaled, rtt: 2ms, loss: 0, policer: dual}
  tcp: {variant: cubic, receiveWindow: 64KiB}
storage: {preset: us-grs-2015, ingress: $scaled}
EOF
}

if [ -n "$write_dir" ]; then
    mkdir -p "$write_dir"
    for shape in $shapes; do
        for threads in $threads_list; do
            for vms in $vms_list; do scenario "$shape" "$vms" "$threads" "$write_dir/$shape-${vms}x$threads.yaml"; done
        done
    done
    exit 0
fi

status=0
printf '%-8s %6s %7s %11s %9s %9s %12s %9s\n' shape VMs threads events "CPU s" "wall s" "ns/event" "vs first"
for shape in $shapes; do
    for threads in $threads_list; do
        first=""
        for vms in $vms_list; do
            file="$work/$shape-$vms-$threads.yaml"
            out="$work/out-$shape-$vms-$threads"
            scenario "$shape" "$vms" "$threads" "$file"
            if ! /usr/bin/time -f '%U %S %e' -o "$work/time" "$replsim" run "$file" --out "$out" --jobs 1 --quiet \
                > "$work/log" 2>&1; then
                echo "scaling.sh: $shape $vms x $threads failed:" >&2
                cat "$work/log" >&2
                status=1
                continue
            fi
            read -r user sys wall < "$work/time"
            events="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["eventCount"])' \
                "$out/result.json")"
            line="$(python3 - "$user" "$sys" "$events" "${first:-}" <<'PY'
import sys
user, sys_, events, first = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
cpu = user + sys_
ns = cpu * 1e9 / max(events, 1)
ratio = ns / float(first) if first else 1.0
print(f"{cpu:.2f} {ns:.0f} {ratio:.2f}")
PY
)"
            read -r cpu ns ratio <<< "$line"
            [ -z "$first" ] && first="$ns"
            printf '%-8s %6d %7d %11d %9s %9s %12s %8sx\n' "$shape" "$vms" "$threads" "$events" "$cpu" "$wall" "$ns" "$ratio"
            rm -rf "$out"
        done
    done
done
exit $status
