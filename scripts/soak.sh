#!/usr/bin/env bash
# Soak test (a script, not a CI test): the app under Xvfb trains for SECONDS (default 600) with
# every view open, then prints its resident memory after the first minute and at the end, and the
# median frame time (a frame's work, rendering included) of the second minute and of the last one.
# Both should stay within 5%; "within_5_percent" in the printed JSON says whether they did.
#   scripts/soak.sh [SECONDS] [PRESET]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
preset="${2:-mlp100}"
"$root/scripts/setup.sh" >/dev/null
exec xvfb-run -a -s "-screen 0 1280x800x24" "${NNVIZ_BUILD_DIR:-$root/build}/bin/nnviz" --soak "$seconds" --preset "$preset"
