#!/usr/bin/env bash
# Loopback upload throughput: `replsim live` → `replsim serve` (profile {"syncWrites": false}) with 1, 4, 16, 32
# threads, compression off and zlib level 1, side by side with `iperf3 -c 127.0.0.1 -P N` in the same run.
# Release build. Usage: Benchmarks/live/compare.sh [IMAGE_SIZE (default 2GiB)] [THREADS (default "1 4 16 32")]
# Prints a Markdown table. Needs iperf3 (apt-get install -y iperf3). Machine load changes the figures: run it
# on an idle machine and read both columns of one row together (they are measured minutes apart at most).
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE="${1:-2GiB}"
THREADS="${2:-1 4 16 32}"
WORK="$(mktemp -d /tmp/replsim-live-bench.XXXXXX)"
SERVER_PID=""; IPERF_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "$IPERF_PID" ] && kill "$IPERF_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

nice -n 10 swift build -c release --product replsim >&2
BIN="$(swift build -c release --show-bin-path)/replsim"

echo '{"syncWrites": false}' > "$WORK/profile.json"
"$BIN" serve --port 0 --data "$WORK/blobs" --profile "$WORK/profile.json" > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do grep -q "listening on" "$WORK/serve.log" 2>/dev/null && break; sleep 0.05; done
TARGET="$(sed -n 's/^replsim serve: listening on \(http[^ ]*\) .*/\1/p' "$WORK/serve.log")"
[ -n "$TARGET" ] || { echo "server did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }

IPERF_PORT=5299
iperf3 -s -p "$IPERF_PORT" > /dev/null 2>&1 &
IPERF_PID=$!
sleep 0.3

IMG="$WORK/image.img"
# Dense image (every region holds data): half random, half compressible (TestImage).
"$BIN" live --target "$TARGET" --threads 4 --generate "$SIZE" --generate-path "$IMG" --generate-data-share 1 \
    --quiet --out "$WORK/warmup" > /dev/null

live_run() {  # threads, extra args... → "Gbit/s ratio"
    local n="$1"; shift
    local out
    out="$("$BIN" live --target "$TARGET" --threads "$n" --source "$IMG" --quiet --out "$WORK/out-$n" "$@")"
    local gbps ratio
    gbps="$(echo "$out" | sed -n 's/.*(\([0-9.]*\) Gbit\/s.*/\1/p' | head -1)"
    ratio="$(echo "$out" | sed -n 's/.*ratio \([0-9.]*\) .*/\1/p' | head -1)"
    echo "$gbps ${ratio:--}"
}

iperf_run() {  # streams → Gbit/s
    iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -P "$1" -t 5 -J \
        | python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))'
}

echo "image: $SIZE dense ($(du -h --apparent-size "$IMG" | cut -f1)), target $TARGET, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| threads / streams | iperf3 Gbit/s | live, no compression Gbit/s | live / iperf3 | live, zlib 1 measured Gbit/s | zlib ratio |"
echo "|---|---|---|---|---|---|"
for n in $THREADS; do
    iperf="$(iperf_run "$n")"
    read -r off _ <<< "$(live_run "$n")"
    read -r z1 ratio <<< "$(live_run "$n" --compress 1)"
    share="$(python3 -c "print('%.0f %%' % (100*$off/$iperf))")"
    echo "| $n | $iperf | $off | $share | $z1 | $ratio |"
done
