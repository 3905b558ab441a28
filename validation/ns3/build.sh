#!/usr/bin/env bash
# Build the ns-3 reference program against Debian 12's libns3-dev (ns-3 3.37).
# Usage: bash validation/ns3/build.sh   -> validation/ns3/replsim-ns3 (binary, not committed)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mods="ns3-core ns3-network ns3-internet ns3-point-to-point ns3-applications ns3-traffic-control"
if ! pkg-config --exists $mods; then
    echo "build.sh: ns-3 pkg-config modules missing ($mods); install with: apt-get install -y ns3 libns3-dev" >&2
    exit 1
fi
# Debian's ns3 .pc files contain a stray '-I/usr\;' token (dropped: anything with a backslash) and absolute
# paths to libgsl*.so / libsqlite3.so that exist only with the -dev packages; the ns-3 shared libraries
# already link those at run time, so missing absolute paths are dropped too.
flags=()
for f in $(pkg-config --cflags --libs $mods); do
    case "$f" in
        *\\*) ;;
        /*) [ -e "$f" ] && flags+=("$f") ;;
        *) flags+=("$f") ;;
    esac
done
nice -n 10 g++ -std=c++17 -O2 -o "$here/replsim-ns3" "$here/replsim-ns3.cc" "${flags[@]}"
echo "built $here/replsim-ns3"
