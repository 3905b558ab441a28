#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs every test. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh --tests
swift build --build-tests
swift test --skip-build
