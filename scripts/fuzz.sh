#!/usr/bin/env bash
# A short libFuzzer run over BlobProtocol (Shared Key and SAS parsing and checks, request dates, names, ranges):
# builds Fuzz/BlobProtocolFuzz with -sanitize=fuzzer in its own scratch path (.build-fuzz; BlobProtocol needs only
# swift-http-types), then fuzzes for SECONDS (default 45) from the committed corpus Fuzz/corpus/BlobProtocol.
# Prints the seed and the run count; exits non-zero with the crashing input's path when an input breaks a check.
# Reproduce a crash: .build-fuzz/debug/BlobProtocolFuzz CRASH-FILE ; another seed: REPLSIM_FUZZ_SEED=N.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-45}"
seed="${REPLSIM_FUZZ_SEED:-$(( $(date +%s) % 100000 + 1 ))}"
export REPLSIM_FUZZ=1
swift build -Xswiftc -sanitize=fuzzer --product BlobProtocolFuzz --scratch-path .build-fuzz
binary="$(swift build --scratch-path .build-fuzz --show-bin-path)/BlobProtocolFuzz"
work="$(mktemp -d)"
trap 'rm -rf "$work/new" "$work/log"' EXIT
mkdir -p "$work/new"
echo "fuzz: BlobProtocol for ${seconds}s, seed ${seed}, corpus Fuzz/corpus/BlobProtocol"
# Swift's own backtracer would take the crash signal before libFuzzer could save the input.
status=0
SWIFT_BACKTRACE=enable=no "$binary" -seed="$seed" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix="$work/" -print_final_stats=1 "$work/new" Fuzz/corpus/BlobProtocol \
    >"$work/log" 2>&1 || status=$?
grep -E "^(INFO: Seed|Done|stat::number_of_executed_units|SUMMARY)|(Fatal|Precondition|deadly|ERROR)" "$work/log" || true
if [ "$status" -ne 0 ] || ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* >/dev/null 2>&1; then
    tail -40 "$work/log" >&2
    echo "fuzz: FAILED (exit ${status}, seed ${seed}); inputs kept in $work:" >&2
    ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null >&2
    exit 1
fi
echo "fuzz: no failure in ${seconds}s (seed ${seed})"
