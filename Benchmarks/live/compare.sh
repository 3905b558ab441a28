#!/usr/bin/env bash
# Loopback upload throughput: `replsim live` → `replsim serve` (profile {"syncWrites": false}) with 1, 4, 16, 32
# threads, compression off and zlib level 1, side by side in the same run with two peers:
#   - iperf3 -c 127.0.0.1 -P N: memory to memory, the bytes thrown away (the socket ceiling);
#   - curl → nginx (WebDAV PUT): the established tools for the same job, an HTTP upload of the same image in
#     4 MiB pieces over N persistent connections (`curl --parallel --parallel-max N`) to a server that stores
#     each piece in a file (nginx's `dav_methods PUT`: body to a temp file, then renamed). No checksums.
# and with what the disk under the data directory takes: N `dd oflag=direct bs=4M` writers copying the image's
# slices into one fresh sparse file, as `replsim serve` writes a new page blob (the ceiling of any upload whose
# acknowledged bytes must be on that disk; nginx's buffered writes are not, within a run this short).
# Release build. Usage: Benchmarks/live/compare.sh [IMAGE_SIZE (default 2GiB)] [THREADS (default "1 4 16 32")]
# Prints a Markdown table. Installs iperf3 and nginx when missing (scripts/setup-system.sh --bench). Machine load changes
# the figures: run it on an idle machine and read the columns of one row together (measured a minute apart at most).
# The CPU columns depend less on load: CPU seconds (user + system) per GiB moved, for iperf3 (client + server,
# from its JSON), for curl + nginx (getrusage + /proc/PID/stat of nginx's master and workers) and for the
# uncompressed live run (`replsim live` from getrusage + `replsim serve` from /proc/PID/stat); the kernel's TCP
# work is in all three, the servers' file writes in the last two.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup-system.sh --bench >&2  # iperf3, nginx (quiet when present)
SIZE="${1:-2GiB}"
THREADS="${2:-1 4 16 32}"
WORK="$(mktemp -d /tmp/replsim-live-bench.XXXXXX)"
SERVER_PID=""; IPERF_PID=""; NGINX_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
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

# nginx as a WebDAV PUT target on loopback (not daemonised, so its pid is ours; two workers on two cores).
NGINX_PORT=18299
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
cat > "$WORK/nginx/nginx.conf" <<EOF
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp;
    client_max_body_size 0;
    client_body_buffer_size 1m;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/nginx/www;
        location / { dav_methods PUT; create_full_put_path on; }
    }
}
EOF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" > /dev/null 2>&1 &
NGINX_PID=$!

IMG="$WORK/image.img"
# Dense image (every region holds data): half random, half compressible (TestImage).
CHECKSUM_LINE="$("$BIN" live --target "$TARGET" --threads 4 --generate "$SIZE" --generate-path "$IMG" \
    --generate-data-share 1 --quiet --out "$WORK/warmup" | grep '^checksum:' || true)"

# The same image in 4 MiB pieces for curl (it uploads files, not ranges of one); the split is not timed.
mkdir -p "$WORK/parts"
split -b 4194304 -d -a 5 "$IMG" "$WORK/parts/p."
PARTS="$(ls "$WORK/parts" | wc -l)"
LAST_PART="$(printf '%05d' $((PARTS - 1)))"
IMG_BYTES="$(du -b --apparent-size "$IMG" | cut -f1)"

nginx_cpu() {  # seconds of CPU used so far by nginx's master and workers
    local pid
    for pid in "$NGINX_PID" $(pgrep -P "$NGINX_PID"); do cat "/proc/$pid/stat" 2>/dev/null; done |
        awk -v hz="$(getconf CLK_TCK)" '{ s += $14 + $15 } END { printf "%.3f", s / hz }'
}

nginx_run() {  # connections → "Gbit/s cpu-seconds-per-GiB"
    local n="$1" out cpu0 cpu1 wall client
    rm -rf "$WORK/nginx/www/up"
    # One connection: curl's plain sequential mode (it reuses the connection); `--parallel-max 1` polls and
    # took twice as long here.
    local parallel="--parallel --parallel-max $n"
    [ "$n" -eq 1 ] && parallel=""
    cpu0="$(nginx_cpu)"
    out="$(python3 -c 'import resource, subprocess, sys, time
t0 = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True, check=True)
wall = time.monotonic() - t0
codes = r.stdout.split()
if not codes or any(c != "201" for c in codes):
    sys.exit("curl -> nginx: not every PUT got 201: %s" % sorted(set(codes)))
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.6f %.3f" % (wall, u.ru_utime + u.ru_stime))' \
        curl -s -S --no-progress-meter $parallel -T "$WORK/parts/p.[00000-$LAST_PART]" \
        "http://127.0.0.1:$NGINX_PORT/up/" -o /dev/null -w '%{http_code}\n')"
    cpu1="$(nginx_cpu)"
    # nginx answered 201 with the pieces still in the page cache: delete them at once, so that the kernel drops
    # them unwritten instead of writing them back (and, on a file system mounted with `discard`, trimming them
    # after the delete) while the disk and live runs that follow are measured.
    rm -rf "$WORK/nginx/www/up"
    read -r wall client <<< "$out"
    python3 -c "print('%.3f %.2f' % ($IMG_BYTES * 8 / $wall / 1e9, ($client + $cpu1 - $cpu0) / ($IMG_BYTES / 2**30)))"
}

disk_run() {  # writers → "Gbit/s": N direct writers of 4 MiB blocks into a fresh sparse file, as the server
    python3 -c "print('%.3f' % ($(bash Benchmarks/live/disk-rate.sh "$IMG" "$1") / 1000))"
}

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
echo "| threads / streams | iperf3 Gbit/s | curl → nginx Gbit/s | disk: dd direct, N writers Gbit/s | live, no compression Gbit/s | live / iperf3 | live / nginx | live / disk | iperf3 CPU s/GiB | nginx CPU s/GiB | live CPU s/GiB | live, zlib 1 measured Gbit/s | zlib ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $THREADS; do
    read -r iperf iperf_cpu <<< "$(iperf_run "$n")"
    read -r web web_cpu <<< "$(nginx_run "$n")"
    disk="$(disk_run "$n")"
    read -r off _ live_cpu <<< "$(live_run "$n")"
    read -r z1 ratio _ <<< "$(live_run "$n" --compress 1)"
    share="$(python3 -c "print('%.0f %%' % (100*$off/$iperf))")"
    share_web="$(python3 -c "print('%.0f %%' % (100*$off/$web))")"
    share_disk="$(python3 -c "print('%.0f %%' % (100*$off/$disk))")"
    echo "| $n | $iperf | $web | $disk | $off | $share | $share_web | $share_disk | $iperf_cpu | $web_cpu | $live_cpu | $z1 | $ratio |"
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
