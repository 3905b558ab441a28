#!/usr/bin/env bash
# The main job: a sweep of the reference scenario; the report lands under results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
swift build -c release --product replsim
.build/release/replsim sweep scenarios/reference-3vm-expressroute.yaml "$@"
