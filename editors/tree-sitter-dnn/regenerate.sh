#!/usr/bin/env bash
# Regenerates src/ from grammar.js and records what it was generated from in src/generated-from.txt,
# which test/editors/tree-sitter.test.ts checks: editing grammar.js (or a generated file) without
# running this fails that test. Needs a tree-sitter CLI that can write ABI 14 (0.20.x, or 0.21+
# with --abi 14); TREE_SITTER names it when it is not `tree-sitter` on PATH. README.md says how
# to build one offline. Usage: editors/tree-sitter-dnn/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")"
tree_sitter=${TREE_SITTER:-tree-sitter}

"$tree_sitter" generate --abi 14
# The CLI may also write language bindings (binding.gyp, bindings/, Cargo.toml, …): this
# directory keeps only grammar.js, queries/ and src/, so those are not committed.
version=$("$tree_sitter" --version)
{
  echo "# Written by regenerate.sh; checked by test/editors/tree-sitter.test.ts. Do not edit."
  echo "generator: $version, --abi 14"
  for file in grammar.js src/grammar.json src/node-types.json src/parser.c; do
    echo "sha256 $(sha256sum "$file" | cut -d' ' -f1) $file"
  done
} > src/generated-from.txt
cat src/generated-from.txt
