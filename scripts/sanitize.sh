#!/usr/bin/env bash
# Builds and runs tests under a sanitizer, in its own build folder.
#
#   scripts/sanitize.sh thread    the engine tests under ThreadSanitizer (build-tsan/); with
#                                 NNVIZ_TSAN_GUI=1 also the GUI's real-input scenarios: the app's
#                                 own threads (a run, a comparison's runs, evaluations, loading)
#                                 against its frame loop (a few minutes more)
#   scripts/sanitize.sh address   the unit tests, the CLI and GUI refusals and the GUI tests (headless
#                                 and real-input) under AddressSanitizer + UBSan
#                                 with leak checking (build-asan/; the GUI's timing tests, which
#                                 the sanitizer slows, are left to the main suite)
#
# Run by scripts/test.sh after the main suite; needs scripts/setup.sh to have run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:?usage: sanitize.sh thread|address}"
jobs="${NNVIZ_JOBS:-$(nproc)}"
case "$kind" in
  # Test sets run one after another: the engine's timing tests would not keep their bounds beside
  # the app under ThreadSanitizer (with the GL driver's threads) on a small machine.
  thread)  dir="$root/build-tsan"; targets=(test_engine); sets=('^test_engine'); gui=OFF
           # The app's real-input scenarios too with NNVIZ_TSAN_GUI=1: a TSan build of the GUI and
           # about five minutes more, beyond the test command's budget on two cores.
           if [ "${NNVIZ_TSAN_GUI:-0}" = 1 ]; then targets+=(nnviz make_shapes make_my_digits nnviz-cli); sets+=('^gui real: '); gui=ON; fi ;;
  address) dir="$root/build-asan"; targets=(test_core test_gradcheck test_engine test_app nnviz-cli make_hostile make_shapes make_my_digits predict_roundtrip nnviz check_screenshot)
           sets=('^(test_core|test_gradcheck|test_engine|test_app|cli|gui: |gui refuses: |gui real: )'); gui=ON ;;
  *) echo "sanitize.sh: unknown sanitizer '$kind'" >&2; exit 2 ;;
esac
# Configured every time (a few seconds) so that a changed option reaches an existing folder.
# Debug info and -O1: readable reports at a bearable speed. No OpenMP: libgomp is not
# instrumented, so ThreadSanitizer would report its internals.
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DNNVIZ_SANITIZE="$kind" -DNNVIZ_OPENMP=OFF -DNNVIZ_BUILD_GUI="$gui" >/dev/null
echo "[sanitize] building ${targets[*]} with -fsanitize=$kind"
cmake --build "$dir" -j "$jobs" --target "${targets[@]}"
cd "$dir"
# The graphics driver's own threads, which ThreadSanitizer cannot follow (tests/tsan-gui.supp).
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/tsan-gui.supp"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
# The graphics stack's own allocations kept until exit, named by module (app/gui/harness/sanitizer_hooks.cpp).
export LSAN_OPTIONS="suppressions=$root/tests/lsan-gui.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Left to the main suite: the GUI's timing tests, which the sanitizer slows (the close's 0.5 s, idle
# CPU, and the real-input scenarios that measure a pace or a frame gap), and the layout checks (the
# screens matrix's 63 screenshots and the clipped-text checks' every view at two zooms: the layout
# code they check is the same with or without the sanitizers, and every view is drawn under them by
# its own screenshot), the t-SNE map of cnn8 (the same code as mlp100's map, which runs; 48 s
# under the sanitizer), and the Fashion-MNIST screenshot (47 s: the same views as MNIST's; the
# scenario open-fashion reads that data set under the sanitizer).
status=0
for filter in "${sets[@]}"; do
  ctest --output-on-failure -j "$jobs" -R "$filter" -E '^gui: (close mid-epoch|idle means idle|screens, every view at every size|no clipped text, zoom 1\.0|no clipped text, zoom 1\.5|representation-cnn8|fashion)$|^gui real: (epoch-key|slowed)$' ||
    status=1
done
exit "$status"
