#!/usr/bin/env bash
# Sets everything up (packages, data, Release build), then runs the whole test suite through CTest.
#   scripts/test.sh [extra ctest arguments, e.g. -R idx]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build_dir="${NNVIZ_BUILD_DIR:-$root/build}"
cd "$build_dir"
ctest --output-on-failure -j "${NNVIZ_JOBS:-$(nproc)}" "$@"
