#!/usr/bin/env bash
# CRC-64/NVME speed of Sources/CCRC64 (PCLMULQDQ folding), one thread, GB/s. Usage: Benchmarks/live/crc64-speed.sh
# Compiles the C target with the driver crc64-speed.c using the toolchain's clang (or cc) at -O2.
set -euo pipefail
cd "$(dirname "$0")/../.."
CC="${CC:-$(command -v clang || command -v cc)}"
OUT="$(mktemp /tmp/crc64-speed.XXXXXX)"
trap 'rm -f "$OUT"' EXIT
"$CC" -O2 -ISources/CCRC64/include Sources/CCRC64/crc64_clmul.c Benchmarks/live/crc64-speed.c -o "$OUT"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT"
