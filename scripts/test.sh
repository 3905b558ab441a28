#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs every test, then replsim's own regression
# check of its CI scenarios against the committed baselines. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
# UploadCore is the sans-I/O core shared by both drivers: its sources import nothing but DequeModule (no
# Foundation, no NIO, no clock). Every import counts: attributed (@preconcurrency), with an access level
# (public import) or of one symbol (import struct Foundation.Date).
if stray=$(grep -rhoE '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+([a-z]+[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*' \
    Sources/UploadCore | awk '{print $NF}' | sort -u | grep -vx DequeModule); then
    echo "UploadCore imports $(echo $stray): it may import only DequeModule (docs/architecture.md)" >&2
    exit 1
fi
bash scripts/setup-system.sh --tests
# The module graph in docs/architecture.md is Package.swift's (a second or two: the manifest only).
swift package dump-package | python3 scripts/check-module-graph.py docs/architecture.md
swift build --build-tests
swift test --skip-build
# Predictions must not move without a reason: re-run scenarios/ci and compare with results/baseline, per metric
# with the thresholds in results/baseline/*/thresholds.json (2 %). Exit 1 on a regression, 3 on an improvement
# (the baseline is out of date). After an intended model change:
#   replsim check scenarios/ci --baseline results/baseline --update
"$(swift build --show-bin-path)/replsim" check scenarios/ci --baseline results/baseline --quiet
# The HTML reports in a real browser: headless Chromium at 1400 and 400 px, layout checked from inside the page
# (nothing wider than the screen, no clipped or overlapping labels, no legend on a plot; ~20 s).
bash scripts/browser-check.sh "$(swift build --show-bin-path)/replsim"
# Sharded sweeps on a real one-node Slurm cluster (installs slurm-wlm and munge; skips with the reason when it
# cannot run one, e.g. without root): the merged report must equal the single-machine run byte for byte.
bash tools/slurm/e2e.sh "$(swift build --show-bin-path)/replsim"
# libFuzzer over the parsers of untrusted input (Blob requests and signatures, scenarios, captures): 30 s each
# from the committed corpora (Fuzz/corpus).
bash scripts/fuzz.sh 30
# replsim itself must not get slower by allocating more: the fast benchmark set against the committed malloc-count
# thresholds (Benchmarks/Thresholds/; release build of the nested Benchmarks/ package, a few minutes cold).
bash scripts/bench-check.sh
