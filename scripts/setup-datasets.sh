#!/usr/bin/env bash
# Datasets for `dnnc train` and the Fashion-MNIST tests: installs, where missing, Debian's
# dataset-fashion-mnist (30 MB; the four gzipped IDX files in /usr/share/datasets/fashion-mnist/,
# where src/data/builtin.ts looks). The digits need nothing: they ship in samples/data/digits/.
# MNIST has no Debian package: `dnnc train --data DIR` reads it from a directory of IDX files.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

dir=/usr/share/datasets/fashion-mnist
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

present() {
  local f
  for f in "${files[@]}"; do [ -s "$dir/$f" ] || return 1; done
}

if present; then
  echo "setup-datasets: Fashion-MNIST present ($dir)"
  exit 0
fi

. "$(dirname "$0")/lib/apt.sh"
require_apt setup-datasets \
  "Fashion-MNIST is missing and this is not a Debian/Ubuntu system: download ${files[*]} from https://github.com/zalandoresearch/fashion-mnist into a directory and pass it to dnnc train with --data DIR" \
  "Fashion-MNIST is missing; run this script as root to install dataset-fashion-mnist"

# The package lists of a fresh container are empty: without an update, install finds nothing.
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
if ! present; then
  echo "setup-datasets: dataset-fashion-mnist installed, but $dir does not hold ${files[*]}" >&2
  exit 1
fi
echo "setup-datasets: installed dataset-fashion-mnist $(dpkg-query -W -f='${Version}' dataset-fashion-mnist) ($dir)"
