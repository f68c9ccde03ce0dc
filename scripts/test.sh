#!/usr/bin/env bash
# Sets everything up (packages, data, Release build), runs the whole test suite through CTest,
# then the unit tests under AddressSanitizer + UBSan and the engine tests under ThreadSanitizer,
# then each fuzz target for 15 seconds (scripts/fuzz.sh).
#
#   scripts/test.sh [extra ctest arguments, e.g. -R idx]
#   NNVIZ_SKIP_SANITIZERS=1 scripts/test.sh     without the sanitizer builds
#   NNVIZ_SKIP_FUZZ=1 scripts/test.sh           without the short fuzz run (scripts/fuzz.sh;
#                                               NNVIZ_FUZZ_SECONDS sets its time per target)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build_dir="${NNVIZ_BUILD_DIR:-$root/build}"
(cd "$build_dir" && ctest --output-on-failure -j "${NNVIZ_JOBS:-$(nproc)}" "$@")
if [ -z "${NNVIZ_SKIP_SANITIZERS:-}" ] && [ $# -eq 0 ]; then
  "$root/scripts/sanitize.sh" address
  "$root/scripts/sanitize.sh" thread
fi
if [ -z "${NNVIZ_SKIP_FUZZ:-}" ] && [ $# -eq 0 ]; then
  "$root/scripts/fuzz.sh" "${NNVIZ_FUZZ_SECONDS:-15}"
fi
