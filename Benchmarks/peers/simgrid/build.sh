#!/usr/bin/env bash
# Builds the SimGrid peer program into Benchmarks/peers/build/simgrid-peer (git-ignored).
# Needs Debian's libsimgrid-dev (SimGrid 3.32 on Debian 12): apt-get install -y libsimgrid-dev simgrid
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../build"
mkdir -p "$out"
if ! pkg-config --exists simgrid; then
    echo "build.sh: SimGrid not found by pkg-config; install it with: apt-get install -y libsimgrid-dev simgrid" >&2
    exit 1
fi
if [ "$out/simgrid-peer" -nt "$here/peer.cpp" ] && [ "$out/simgrid-peer" -nt "$0" ]; then
    exit 0 # up to date
fi
# shellcheck disable=SC2046  # pkg-config output is meant to be word-split
nice -n 10 g++ -std=c++17 -O2 -DNDEBUG -o "$out/simgrid-peer" "$here/peer.cpp" $(pkg-config --cflags --libs simgrid)
echo "built $out/simgrid-peer against SimGrid $(pkg-config --modversion simgrid)" >&2
