#!/usr/bin/env bash
# Loopback upload throughput: `replsim live` → `replsim serve` (profile {"syncWrites": false}) with 1, 4, 16, 32
# threads, compression off and zlib level 1, side by side with `iperf3 -c 127.0.0.1 -P N` in the same run.
# Release build. Usage: Benchmarks/live/compare.sh [IMAGE_SIZE (default 2GiB)] [THREADS (default "1 4 16 32")]
# Prints a Markdown table. Needs iperf3 (apt-get install -y iperf3). Machine load changes the figures: run it
# on an idle machine and read both columns of one row together (they are measured minutes apart at most).
# The CPU columns do not depend on load: CPU seconds (user + system) per GiB moved, for iperf3 (client + server,
# from its JSON) and for the uncompressed live run (`replsim live` from getrusage + `replsim serve` from
# /proc/PID/stat); the kernel's TCP work is in both, the live server's file writes in its figure.
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

# REPLSIM_BIN=path runs another build (say, one from before a change) instead of building this checkout.
if [ -n "${REPLSIM_BIN:-}" ]; then
    BIN="$REPLSIM_BIN"
else
    nice -n 10 swift build -c release --product replsim >&2
    BIN="$(swift build -c release --show-bin-path)/replsim"
fi

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
CHECKSUM_LINE="$("$BIN" live --target "$TARGET" --threads 4 --generate "$SIZE" --generate-path "$IMG" \
    --generate-data-share 1 --quiet --out "$WORK/warmup" | grep '^checksum:' || true)"

live_run() {  # threads, extra args... → "Gbit/s ratio cpu-seconds-per-GiB"
    local n="$1"; shift
    local out server0 server1
    server0="$(server_cpu)"
    out="$(python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True, check=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.stdout, end="")
print("client-cpu %.3f" % (u.ru_utime + u.ru_stime))' \
        "$BIN" live --target "$TARGET" --threads "$n" --source "$IMG" --quiet --out "$WORK/out-$n" "$@")"
    server1="$(server_cpu)"
    local gbps ratio client bytes
    gbps="$(echo "$out" | sed -n 's/.*(\([0-9.]*\) Gbit\/s.*/\1/p' | head -1)"
    ratio="$(echo "$out" | sed -n 's/.*ratio \([0-9.]*\) .*/\1/p' | head -1)"
    client="$(echo "$out" | sed -n 's/^client-cpu \(.*\)/\1/p')"
    bytes="$(echo "$out" | sed -n 's/.*uploaded \([0-9]*\) bytes.*/\1/p' | head -1)"
    echo "$gbps ${ratio:--} $(python3 -c "print('%.2f' % (($client + $server1 - $server0) / ($bytes / 2**30)))")"
}

server_cpu() {  # seconds of CPU used so far by `replsim serve`
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"
}

iperf_run() {  # streams → "Gbit/s cpu-seconds-per-GiB"
    iperf3 -c 127.0.0.1 -p "$IPERF_PORT" -P "$1" -t 5 -J | python3 -c 'import json, sys
end = json.load(sys.stdin)["end"]
seconds, moved = end["sum_received"]["seconds"], end["sum_received"]["bytes"]
cpu = (end["cpu_utilization_percent"]["host_total"] + end["cpu_utilization_percent"]["remote_total"]) / 100 * seconds
print("%.3f %.2f" % (end["sum_received"]["bits_per_second"] / 1e9, cpu / (moved / 2**30)))'
}

echo "image: $SIZE dense ($(du -h --apparent-size "$IMG" | cut -f1)), target $TARGET, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$CHECKSUM_LINE"
echo
echo "| threads / streams | iperf3 Gbit/s | live, no compression Gbit/s | live / iperf3 | iperf3 CPU s/GiB | live CPU s/GiB | live, zlib 1 measured Gbit/s | zlib ratio |"
echo "|---|---|---|---|---|---|---|---|"
for n in $THREADS; do
    read -r iperf iperf_cpu <<< "$(iperf_run "$n")"
    read -r off _ live_cpu <<< "$(live_run "$n")"
    read -r z1 ratio _ <<< "$(live_run "$n" --compress 1)"
    share="$(python3 -c "print('%.0f %%' % (100*$off/$iperf))")"
    echo "| $n | $iperf | $off | $share | $iperf_cpu | $live_cpu | $z1 | $ratio |"
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
