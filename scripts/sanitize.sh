#!/usr/bin/env bash
# Builds and runs tests under a sanitizer, in its own build folder.
#
#   scripts/sanitize.sh thread    the engine tests under ThreadSanitizer (build-tsan/)
#   scripts/sanitize.sh address   the unit tests under AddressSanitizer + UBSan (build-asan/)
#
# Run by scripts/test.sh after the main suite; needs scripts/setup.sh to have run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:?usage: sanitize.sh thread|address}"
jobs="${NNVIZ_JOBS:-$(nproc)}"
case "$kind" in
  thread)  dir="$root/build-tsan"; targets=(test_engine); filter='^test_engine' ;;
  address) dir="$root/build-asan"; targets=(test_core test_gradcheck test_engine nnviz-cli predict_roundtrip); filter='^(test_core|test_gradcheck|test_engine|cli)' ;;
  *) echo "sanitize.sh: unknown sanitizer '$kind'" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  # Debug info and -O1: readable reports at a bearable speed. No OpenMP: libgomp is not
  # instrumented, so ThreadSanitizer would report its internals.
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
        -DNNVIZ_SANITIZE="$kind" -DNNVIZ_OPENMP=OFF -DNNVIZ_BUILD_GUI=OFF >/dev/null
fi
echo "[sanitize] building ${targets[*]} with -fsanitize=$kind"
cmake --build "$dir" -j "$jobs" --target "${targets[@]}"
cd "$dir"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --output-on-failure -j "$jobs" -R "$filter"
