#!/usr/bin/env bash
# Performance regression gate for CI: runs a small, fast set of Benchmarks/ against the committed
# p90 thresholds in Benchmarks/Thresholds/ (malloc counts: deterministic; wall clock is not gated here).
#
# Usage: scripts/bench-check.sh [extra --filter regex ...]
#   BENCH_FILTER   regex of benchmarks to check (default: the fast set below)
# Exit status: 0 when within thresholds or only better; 1 on a regression (benchmarkThresholdRegression);
# 2 when the benchmark tool itself failed. `swift package benchmark thresholds check` exits 1 for improvements
# as well (docs/sources.md §B.4), so the output is inspected instead of the exit code.
# After an intended change: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark \
#   thresholds update --filter '<name>'   (and commit Benchmarks/Thresholds/).
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
filter="${BENCH_FILTER:-^(Kernel_events_1M_queue_100k|EventQueue_steady_100k|Reallocation_3200_flows_32_classes|Core_actions_16GiB_8threads|Scenario_reference_3VMs_8threads)\$}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

cd "$root/Benchmarks" || exit 2
nice -n 10 swift package benchmark thresholds check --target "^(EngineBenchmarks|ReplsimBenchmarks)$" \
    --filter "$filter" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

if grep -q "benchmarkThresholdRegression" "$log"; then
    echo "bench-check: REGRESSION against Benchmarks/Thresholds/ (see above)" >&2
    exit 1
fi
if [ "$status" -ne 0 ] && ! grep -q "benchmarkThresholdImprovement" "$log"; then
    echo "bench-check: the benchmark run failed (exit $status)" >&2
    exit 2
fi
if grep -q "benchmarkThresholdImprovement" "$log"; then
    echo "bench-check: better than the thresholds; consider 'thresholds update' (not a failure)" >&2
fi
echo "bench-check: within thresholds"
