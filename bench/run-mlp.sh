#!/usr/bin/env bash
# The MLP speed comparison in one command: installs the peers (Debian's python3-torch, numpy and
# OpenBLAS) if missing, builds nnviz, then runs bench/mlp_speed.py (nnviz vs PyTorch CPU vs numpy,
# batch 1/10/32/128, 1 and 2 threads, medians of interleaved repeats).
#   bench/run-mlp.sh [mlp_speed.py options, e.g. --repeats 5 --wait-idle 30]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/bench/install-peers.sh"
exec /usr/bin/python3 "$root/bench/mlp_speed.py" "$@"
