#!/usr/bin/env bash
# Installs the system packages replsim needs (Debian 12). Idempotent and quiet when already present.
#   build:  libpcap-dev zlib1g-dev
#   tests:  tshark (reads our pcaps), python3 azure-storage-blob (the official SDK against our blob server)
set -euo pipefail
want=(libpcap-dev zlib1g-dev)
[ "${1:-}" = "--tests" ] && want+=(tshark)
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
