#!/usr/bin/env bash
# What the CPU benchmarks need beyond node_modules (docs/performance.md, "Training speed"): PyTorch
# for the CPU anchor of bench/train-speed.ts — Debian's `python3-torch` (1.13), for Debian's own
# Python, /usr/bin/python3 (a pyenv or venv `python3` earlier on PATH is another interpreter and
# does not see it; the benchmark always calls /usr/bin/python3). `npm test` needs it too: the
# PyTorch target's tests (test/backend/pytorch/forward.test.ts) run the generated package there.
# Idempotent; needs root (or sudo) only when something is missing. `npm run bench:setup`.
set -euo pipefail

# OpenBLAS too: python3-torch runs nn.Linear's products through libblas.so.3, which Debian points
# at the reference BLAS unless an optimised one is installed — and the anchor must be the
# strongest PyTorch this machine can run, not one held back by a textbook BLAS.
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null && dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "install ok installed"; then
  echo "setup-bench: PyTorch present ($("$PY" -c 'import torch; print(torch.__version__)') for $("$PY" --version 2>&1)), with OpenBLAS"
  exit 0
fi

. "$(dirname "$0")/lib/apt.sh"
require_apt setup-bench \
  "$PY cannot import torch and this is not a Debian/Ubuntu system: install PyTorch for $PY yourself (the benchmark reports it as not installed until then)" \
  "python3-torch is missing; run this script as root to install it"

$SUDO apt-get update -qq
# Its Recommends (libtorch-dev, build-essential, ninja-build, pybind11-dev) are for building C++
# extensions, which the benchmark does not do.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread
"$PY" -c 'import torch' || { echo "setup-bench: python3-torch installed, yet $PY still cannot import torch" >&2; exit 1; }
echo "setup-bench: installed python3-torch $(dpkg-query -W -f='${Version}' python3-torch) ($("$PY" -c 'import torch; print(torch.__version__)'))"
