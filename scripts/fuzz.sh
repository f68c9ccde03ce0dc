#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) in build-fuzz/ and
# runs each for a while. Fails as soon as a target crashes, hangs, leaks or trips a sanitizer; the
# input that did it is left in build-fuzz/crashes/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 20 seconds each, all targets
#
# Targets: fuzz_idx, fuzz_model, fuzz_image, fuzz_config, fuzz_run (run files), fuzz_comparison
# (a saved comparison: the JSON, a NUL byte, the CSV), fuzz_eval (a model on data), fuzz_playground
# (the playgrounds' expressions and points files), fuzz_lesson (lesson files) (the names without
# fuzz_ work too).
# The corpus grows in build-fuzz/corpus/<target>/ and is kept between runs; the seeds are
# regenerated in build-fuzz/seeds/<target>/ every time. Installs clang if it is missing.
# A crash found here becomes a regression input: copy it to tests/fuzz/regressions/<kind>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/build-fuzz"
jobs="${NNVIZ_JOBS:-$(nproc)}"
seconds=20
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then seconds="$1"; shift; fi
all=(fuzz_idx fuzz_model fuzz_image fuzz_config fuzz_run fuzz_comparison fuzz_eval fuzz_playground fuzz_lesson)
targets=()
for t in "$@"; do
  t="fuzz_${t#fuzz_}"
  case " ${all[*]} " in *" $t "*) targets+=("$t") ;; *) echo "fuzz.sh: unknown target '$t' (${all[*]})" >&2; exit 2 ;; esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

say() { printf '[fuzz] %s\n' "$*"; }
# shellcheck source=scripts/debian.sh
. "$root/scripts/debian.sh"  # as_root, missing_packages

# clang and its runtime libraries (libFuzzer, the sanitizers) from Debian 12.
mapfile -t missing < <(missing_packages clang libclang-rt-14-dev)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$dir/build.ninja" ]; then
  # The GUI and the test suite stay off: only the core, the fuzz targets and their seed writer
  # are built. -march comes from the project's global options, the same for every TU.
  say "configuring $dir (clang, libFuzzer + AddressSanitizer + UBSan)"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
        -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
        -DNNVIZ_FUZZ=ON -DNNVIZ_BUILD_GUI=OFF -DNNVIZ_BUILD_TESTS=OFF -DNNVIZ_OPENMP=OFF >/dev/null
fi
say "building ${targets[*]}"
cmake --build "$dir" -j "$jobs" --target "${targets[@]}" fuzz_seeds
rm -rf "$dir/seeds"
"$dir/bin/fuzz_seeds" "$dir/seeds"

export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for t in "${targets[@]}"; do
  kind="${t#fuzz_}"
  mkdir -p "$dir/corpus/$t" "$dir/crashes/$t"
  corpora=("$dir/corpus/$t" "$dir/seeds/$kind")  # new inputs go into the first
  [ -d "$root/tests/fuzz/regressions/$kind" ] && corpora+=("$root/tests/fuzz/regressions/$kind")
  say "$t for ${seconds} s"
  # -timeout: one input taking 10 s is a hang. -rss_limit_mb (also the limit of one allocation):
  # a hostile input must not make the code ask for gigabytes.
  if ! "$dir/bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$dir/crashes/$t/" "${corpora[@]}" >"$dir/$t.log" 2>&1; then
    tail -n 60 "$dir/$t.log" >&2
    echo "[fuzz] $t FAILED; the input is in $dir/crashes/$t/ (full log: $dir/$t.log)" >&2
    exit 1
  fi
  say "$t: $(grep -E '^stat::number_of_executed_units' "$dir/$t.log" | awk '{print $2}') inputs, $(ls "$dir/corpus/$t" | wc -l) in the corpus, no crash"
done
