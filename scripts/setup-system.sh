#!/usr/bin/env bash
# Installs the system packages replsim needs (Debian 12). Idempotent and quiet when already present.
#   build:  libpcap-dev zlib1g-dev
#   tests:  tshark (reads our pcaps), chromium (renders report.html for scripts/browser-check.sh),
#           python3 azure-storage-blob (the official SDK against our blob server)
#   bench:  wrk iperf3 nginx (loopback comparisons; only with --bench)
set -euo pipefail
want=(libpcap-dev zlib1g-dev)
case "${1:-}" in
  --tests) want+=(tshark chromium) ;;
  --bench) want+=(tshark wrk iperf3 nginx) ;;
esac
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--tests" ] && ! python3 -c "import azure.storage.blob" >/dev/null 2>&1; then
  echo "setup: installing the azure-storage-blob Python SDK"
  python3 -m pip install --quiet --disable-pip-version-check azure-storage-blob==12.31.1
fi
