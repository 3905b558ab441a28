#!/usr/bin/env bash
# What the disk takes for the writes `replsim serve` makes for a new page blob: N `dd oflag=direct bs=4M` writers
# copying IMAGE's slices into one fresh sparse file beside it (created and removed here). Prints Mbit/s, the
# median of TRIES tries (this VM's disk varies by 2x from one try to the next).
# Usage: Benchmarks/live/disk-rate.sh IMAGE WRITERS [TRIES (default 1)]
set -euo pipefail
IMG="$1"; N="$2"; TRIES="${3:-1}"
TEST="$IMG.disk-test"
trap 'rm -f "$TEST"' EXIT
bytes="$(stat -c %s "$IMG")"
blocks=$(( (bytes + 4194303) / 4194304 )); per=$(( (blocks + N - 1) / N ))
for ((try = 0; try < TRIES; try++)); do
    rm -f "$TEST"; truncate -s "$bytes" "$TEST"
    t0="$(date +%s.%N)"
    for ((i = 0; i < N; i++)); do
        dd if="$IMG" of="$TEST" bs=4194304 count="$per" skip=$((i * per)) seek=$((i * per)) \
            oflag=direct conv=notrunc status=none &
    done
    wait
    t1="$(date +%s.%N)"
    python3 -c "print(int($bytes * 8 / ($t1 - $t0) / 1e6))"
done | sort -n | sed -n "$(( (TRIES + 1) / 2 ))p"
