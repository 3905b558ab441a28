#!/usr/bin/env bash
# Screenshots of report.html at a desktop (1400 px) and a phone width (400 px) in headless Chromium, for
# docs/. Usage: scripts/screenshots.sh REPORT_DIR NAME  → docs/NAME-1400.png and docs/NAME-400.png.
# Needs chromium (apt-get install chromium); the page is opened from the file, nothing is fetched.
set -euo pipefail
dir=$1
name=$2
cd "$(dirname "$0")/.."
for width in 1400 400; do
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,3000" \
        --screenshot="docs/$name-$width.png" "file://$(realpath "$dir")/report.html" 2>/dev/null
    echo "wrote docs/$name-$width.png"
done
