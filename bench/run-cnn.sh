#!/usr/bin/env bash
# The conv-net speed comparison in one command: installs the peer (Debian's python3-torch and
# OpenBLAS) if missing, builds nnviz, then runs bench/cnn_speed.py (nnviz vs PyTorch CPU, presets
# cnn8 and cnn8-16, batch 32/128, 1 and 2 threads, medians of interleaved repeats).
#   bench/run-cnn.sh [cnn_speed.py options, e.g. --repeats 5 --wait-idle 30]
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
exec /usr/bin/python3 "$root/bench/cnn_speed.py" "$@"
