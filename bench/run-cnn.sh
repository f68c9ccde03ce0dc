#!/usr/bin/env bash
# The conv-net speed comparison in one command: installs the peer (Debian's python3-torch and
# OpenBLAS) if missing, builds nnviz, then runs bench/cnn_speed.py (nnviz vs PyTorch CPU, presets
# cnn8 and cnn8-16, batch 32/128, 1 and 2 threads, medians of interleaved repeats).
#   bench/run-cnn.sh [cnn_speed.py options, e.g. --repeats 5 --wait-idle 30]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/bench/install-peers.sh"
exec /usr/bin/python3 "$root/bench/cnn_speed.py" "$@"
