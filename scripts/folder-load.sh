#!/usr/bin/env bash
# Loads an image folder of 100,000 small files and trains on it: the time to read them and the
# peak memory against the bound README states (5 bytes a value). Long (a few minutes: most of it
# writing the files); not part of the test command. Needs a build (scripts/setup.sh).
#
#   scripts/folder-load.sh [IMAGES_A_CLASS]    default 33334: three classes, 100,002 files
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NNVIZ_BUILD_DIR:-$root/build}"
per_class="${1:-33334}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
echo "[folder-load] writing $((per_class * 3)) images into $dir"
t0=$(date +%s%N)
"$build/bin/make_shapes" "$dir/shapes" "$per_class"
t1=$(date +%s%N)
echo "[folder-load] written in $(( (t1 - t0) / 1000000 )) ms, $(du -sh "$dir/shapes" | cut -f1) on disk"
# The data line says how long the folder took to load; the memory line the peak resident size
# against the float32 values (the bound: 5 bytes a value, 1.25x of the floats, plus the program).
for args in "" "--colour --image-size 32"; do
  echo "[folder-load] nnviz-cli train --preset mlp30 --folder ... --epochs 1 $args"
  # shellcheck disable=SC2086
  "$build/bin/nnviz-cli" train --preset mlp30 --folder "$dir/shapes" --epochs 1 $args |
    grep -E "^data:|^final:|^memory:" || true
done
