#!/usr/bin/env bash
# tree-sitter's C runtime for the tree-sitter grammar's test (test/editors/tree-sitter.test.ts),
# which compiles editors/tree-sitter-dnn/src/parser.c and a small driver with gcc against it:
# installs, where missing, Debian's libtree-sitter-dev (0.20.7 on bookworm: ABI 14, the version
# the grammar is generated for). The generator (the tree-sitter CLI) is not needed for the test.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

present() {
  [ -f /usr/include/tree_sitter/api.h ] && command -v gcc >/dev/null
}

if present; then
  echo "setup-tree-sitter: libtree-sitter-dev $(dpkg-query -W -f='${Version}' libtree-sitter-dev 2>/dev/null || echo '(not from apt)') and gcc present"
  exit 0
fi

. "$(dirname "$0")/lib/apt.sh"
require_apt setup-tree-sitter \
  "tree-sitter's C runtime (tree_sitter/api.h) or gcc is missing and this is not a Debian/Ubuntu system: install libtree-sitter (0.20 or later) and gcc with your package manager" \
  "tree-sitter's C runtime or gcc is missing; run this script as root to install libtree-sitter-dev and gcc"

# The package lists of a fresh container are empty: without an update, install finds nothing.
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libtree-sitter-dev gcc libc6-dev
if ! present; then
  echo "setup-tree-sitter: libtree-sitter-dev installed, but /usr/include/tree_sitter/api.h or gcc is still missing" >&2
  exit 1
fi
echo "setup-tree-sitter: installed libtree-sitter-dev $(dpkg-query -W -f='${Version}' libtree-sitter-dev)"
