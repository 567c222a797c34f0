#!/usr/bin/env bash
# ONNX's own checker for the ONNX export tests (test/backend/onnx/checker.test.ts): installs, where
# missing, Debian's python3-onnx (1.12 on bookworm: IR version 8, opset 17, what dnnc writes), so
# `python3 -c "import onnx; onnx.checker.check_model(...)"` runs. Debian's package is for the
# system's Python (/usr/bin/python3): a `python3` earlier on PATH (pyenv, a virtual environment)
# does not see it, so the test tries both. onnxruntime-node, the export's other oracle, is an npm
# devDependency and needs nothing here.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

python_with_onnx() {
  local py
  for py in python3 /usr/bin/python3; do
    if "$py" -c "import onnx" 2>/dev/null; then echo "$py"; return 0; fi
  done
  return 1
}

present() {
  python_with_onnx >/dev/null
}

if present; then
  py=$(python_with_onnx)
  echo "setup-onnx: onnx $("$py" -c 'import onnx; print(onnx.__version__)') present ($py)"
  exit 0
fi

. "$(dirname "$0")/lib/apt.sh"
require_apt setup-onnx \
  "python3's onnx is missing and this is not a Debian/Ubuntu system: install it with your package manager or pip (pip install onnx)" \
  "python3's onnx is missing; run this script as root to install python3-onnx"

# The package lists of a fresh container are empty: without an update, install finds nothing.
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx
if ! present; then
  echo "setup-onnx: python3-onnx installed, but neither python3 nor /usr/bin/python3 imports onnx" >&2
  exit 1
fi
echo "setup-onnx: installed python3-onnx $(dpkg-query -W -f='${Version}' python3-onnx)"
