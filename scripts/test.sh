#!/usr/bin/env bash
# Sets everything up (packages, data, Release build), runs the whole test suite through CTest,
# then the unit tests under AddressSanitizer + UBSan and the engine tests under ThreadSanitizer.
#
#   scripts/test.sh [extra ctest arguments, e.g. -R idx]
#   NNVIZ_SKIP_SANITIZERS=1 scripts/test.sh     the Release suite only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build_dir="${NNVIZ_BUILD_DIR:-$root/build}"
(cd "$build_dir" && ctest --output-on-failure -j "${NNVIZ_JOBS:-$(nproc)}" "$@")
if [ -z "${NNVIZ_SKIP_SANITIZERS:-}" ] && [ $# -eq 0 ]; then
  "$root/scripts/sanitize.sh" address
  "$root/scripts/sanitize.sh" thread
fi
