#!/usr/bin/env bash
# Sets everything up (packages, data, Release build), then launches nnviz.
# Until the desktop app lands this runs a short nnviz-cli demo: one epoch of the classic MLP.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
bin="${NNVIZ_BUILD_DIR:-$root/build}/bin"
if [ -x "$bin/nnviz" ]; then
  exec "$bin/nnviz" "$@"
fi
"$bin/nnviz-cli" show --index 0
exec "$bin/nnviz-cli" train --preset mlp100 --epochs 1 "$@"
