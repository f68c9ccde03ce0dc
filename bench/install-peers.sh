#!/usr/bin/env bash
# Installs the benchmarks' peers when missing (Debian's PyTorch CPU, numpy and the OpenBLAS they
# are given), then sets nnviz up (scripts/setup.sh). Run by bench/run-*.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
missing=()
for p in python3-torch python3-numpy libopenblas0-pthread; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
"$root/scripts/setup.sh" >/dev/null
