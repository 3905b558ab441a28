#!/usr/bin/env bash
# Short libFuzzer runs over replsim's parsers of untrusted input, each from its committed corpus Fuzz/corpus/NAME:
#   BlobProtocol  the request parser and signature checks (Shared Key and SAS, dates, names, ranges)
#   Scenario      the scenario loader (YAML, decoding, validation, sweep expansion, work estimate)
#   Pcap          the capture reader and calibration analysis (pcap and pcapng)
# Builds Fuzz/NAMEFuzz with -sanitize=fuzzer in its own scratch path (.build-fuzz), then fuzzes each for SECONDS
# (default 30) with a seed it prints. Exits non-zero after printing the failing input's path when an input breaks a
# check (crash, trap, timeout or memory limit); the other targets still run.
# usage: scripts/fuzz.sh [SECONDS] [NAME...]     (default: all three)
# Reproduce a failure: .build-fuzz/debug/NAMEFuzz FAILING-INPUT ; another seed: REPLSIM_FUZZ_SEED=N.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(BlobProtocol Scenario Pcap)
seed="${REPLSIM_FUZZ_SEED:-$(( $(date +%s) % 100000 + 1 ))}"
export REPLSIM_FUZZ=1
for name in "${names[@]}"; do
    [ -d "Fuzz/corpus/$name" ] || { echo "fuzz: no target $name (Fuzz/corpus/$name)" >&2; exit 2; }
    swift build -Xswiftc -sanitize=fuzzer --product "${name}Fuzz" --scratch-path .build-fuzz
done
bin="$(swift build --scratch-path .build-fuzz --show-bin-path)"
work="$(mktemp -d)"
failed=()
for name in "${names[@]}"; do
    mkdir -p "$work/$name/new"
    echo "fuzz: $name for ${seconds}s, seed ${seed}, corpus Fuzz/corpus/$name"
    # Swift's own backtracer would take the crash signal before libFuzzer could save the input.
    status=0
    TMPDIR="$work/$name" SWIFT_BACKTRACE=enable=no "$bin/${name}Fuzz" -seed="$seed" -max_total_time="$seconds" \
        -max_len=8192 -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$work/$name/" -print_final_stats=1 \
        "$work/$name/new" "Fuzz/corpus/$name" >"$work/$name/log" 2>&1 || status=$?
    grep -E "^(INFO: Seed|Done|stat::number_of_executed_units|SUMMARY)|(Fatal|Precondition|deadly|ERROR)" \
        "$work/$name/log" || true
    if [ "$status" -ne 0 ] || ls "$work/$name"/crash-* "$work/$name"/timeout-* "$work/$name"/oom-* >/dev/null 2>&1
    then
        tail -40 "$work/$name/log" >&2
        echo "fuzz: $name FAILED (exit ${status}, seed ${seed}); failing input:" >&2
        (ls "$work/$name"/crash-* "$work/$name"/timeout-* "$work/$name"/oom-* 2>/dev/null || true) >&2
        echo "fuzz: reproduce with $bin/${name}Fuzz FAILING-INPUT" >&2
        failed+=("$name")
    else
        rm -rf "$work/$name"
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (inputs kept in $work)" >&2
    exit 1
fi
rm -rf "$work"
echo "fuzz: no failure in ${seconds}s each for ${names[*]} (seed ${seed})"
