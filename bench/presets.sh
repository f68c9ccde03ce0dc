#!/usr/bin/env bash
# Trains every preset with its own recipe and prints a table: preset, epochs, wall time, test
# accuracy, the reference figure it reproduces, and whether it met it.
#
#   bench/presets.sh [NAME...]        all presets, or the ones named
#   NNVIZ_BUILD_DIR (default build)   where nnviz-cli is
#
# One run at a time, one thread each; about ten minutes for all on a 2-core machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${NNVIZ_BUILD_DIR:-$root/build}/bin/nnviz-cli"
[ -x "$cli" ] || { echo "presets.sh: $cli not found: run scripts/setup.sh first" >&2; exit 1; }

mapfile -t rows < <("$cli" presets --tsv)
printf '| %-16s | %6s | %8s | %13s | %9s | %-4s |\n' preset epochs "wall" "test accuracy" reference met
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------ -------- ---------- --------------- ----------- ------
status=0
for row in "${rows[@]}"; do
  IFS=$'\t' read -r name epochs ref title <<<"$row"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  start=$(date +%s.%N)
  out=$("$cli" train --preset "$name" --eval-every 100000 --quiet)
  end=$(date +%s.%N)
  acc=$(sed -n 's/^final: test accuracy \([0-9.]*\)%.*/\1/p' <<<"$out")
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f s", b - a }')
  if awk -v r="$ref" 'BEGIN { exit !(r > 0) }'; then
    reference=$(awk -v r="$ref" 'BEGIN { printf "%.1f%%", r * 100 }')
    if awk -v a="$acc" -v r="$ref" 'BEGIN { exit !(a / 100 >= r) }'; then met=yes; else met=NO; status=1; fi
  else
    reference="-"
    met="-"
  fi
  printf '| %-16s | %6s | %8s | %12s%% | %9s | %-4s |\n' "$name" "$epochs" "$wall" "$acc" "$reference" "$met"
done
exit $status
