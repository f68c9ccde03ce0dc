#!/usr/bin/env bash
# The app's frame benchmark in one command: frame times at 1280x800 under Xvfb while the default
# preset trains, and training speed with the window drawing against nnviz-cli training the same
# preset alone. Runs alternate (app, cli, app, cli, ...) so that a busy spell hits both; medians.
#   bench/run-frames.sh [repeats, default 3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats="${1:-3}"
"$root/scripts/setup.sh" >/dev/null
bin="$root/build/bin"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$repeats"); do
  xvfb-run -a -s "-screen 0 1280x800x24" "$bin/nnviz" --size 1280x800 --bench-frames 300 2>/dev/null \
    | grep '"bench":"frames"' >>"$tmp/app.jsonl"
  "$bin/nnviz-cli" train --preset mlp100 --epochs 3 2>/dev/null \
    | sed -n 's/^final:.*, \([0-9.]*\)k samples\/s).*/\1/p' >>"$tmp/cli.txt"
done
/usr/bin/python3 - "$tmp/app.jsonl" "$tmp/cli.txt" <<'EOF'
import json, statistics, sys
app = [json.loads(l) for l in open(sys.argv[1])]
cli = [float(l) * 1000 for l in open(sys.argv[2]) if l.strip()]
med = lambda k: statistics.median(a[k] for a in app)
drawing, cli_rate = med("samples_per_s_drawing"), statistics.median(cli)
print(f"runs: {len(app)} app, {len(cli)} cli")
print(f"frame time ms: median {med('median_ms'):.2f}, p95 {med('p95_ms'):.2f} (target under 16.7), "
      f"max {med('max_ms'):.2f}")
print(f"frames that drew the curves again (at least a third of the window; the others drew only what "
      f"changed): {med('big_frames'):.0f} of {med('frames'):.0f}, median {med('big_median_ms'):.2f} ms, "
      f"p95 {med('big_p95_ms'):.2f} ms")
print(f"samples/s: app drawing {drawing:.0f}, app not drawing {med('samples_per_s_not_drawing'):.0f}, "
      f"nnviz-cli {cli_rate:.0f}")
print(f"app drawing / nnviz-cli: {drawing / cli_rate:.3f} (target at least 0.9); "
      f"drawing / not drawing in the app: {med('ratio'):.3f}")
EOF
