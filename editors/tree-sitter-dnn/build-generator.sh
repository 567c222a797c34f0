#!/usr/bin/env bash
# Builds a tree-sitter parser generator without the network, for machines where the tree-sitter CLI
# cannot be installed (its npm package downloads a binary from GitHub): tree-sitter 0.20.8's
# generator (cli/src/generate, which writes ABI 14 by default) compiled with cargo against the
# crates Debian packages (librust-*-dev, in /usr/share/cargo/registry), behind a ~40-line main.
# With a tree-sitter CLI at hand, use it instead: `TREE_SITTER=tree-sitter ./regenerate.sh`.
#
# Usage: build-generator.sh TREE_SITTER_GIT_DIR OUT_DIR
#   TREE_SITTER_GIT_DIR: a clone (or bare mirror) of https://github.com/tree-sitter/tree-sitter
#   with the tag v0.20.8. Writes OUT_DIR/target/release/tree-sitter-generate; then
#   `TREE_SITTER=OUT_DIR/target/release/tree-sitter-generate ./regenerate.sh`.
# Needs cargo (rustc 1.63 or later), node (it evaluates grammar.js), and apt for Debian's crates.
set -euo pipefail
git_dir=$1
out=$2
mkdir -p "$out/src" "$out/.cargo"
out=$(cd "$out" && pwd)

. "$(dirname "$0")/../../scripts/lib/apt.sh"
require_apt build-generator "this is not a Debian system: use a tree-sitter CLI instead" "run as root to install Debian's Rust crates"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unicode-data \
  librust-anyhow-dev librust-indexmap-dev librust-lazy-static-dev librust-log-dev librust-regex-dev \
  librust-regex-syntax-dev librust-rustc-hash-dev librust-semver-dev librust-serde-dev \
  librust-serde-derive-dev librust-serde-json-dev librust-smallbitvec-dev librust-tree-sitter-dev

# The generator's sources. unicode-properties.json (7 MB, generated; used only for \p{…} classes
# in a grammar's regular expressions, which grammar.js has none of) may be missing from a partial
# mirror: then it is rebuilt by tree-sitter's own script from Debian's Unicode data files.
props=cli/src/generate/prepare_grammar/unicode-properties.json
git -C "$git_dir" archive v0.20.8 cli/src/generate ":(exclude)$props" script/generate-unicode-categories-json LICENSE |
  tar -x -C "$out"
if git -C "$git_dir" cat-file -e "v0.20.8:$props" 2>/dev/null; then
  git -C "$git_dir" show "v0.20.8:$props" > "$out/$props"
else
  unicode=$(mktemp -d)
  mkdir -p "$unicode/target" "$unicode/$(dirname "$props")"
  cp /usr/share/unicode/{UnicodeData,PropList,DerivedCoreProperties,PropertyValueAliases,PropertyAliases}.txt \
    /usr/share/unicode/emoji/emoji-data.txt "$unicode/target/"
  (cd "$unicode" && node "$out/script/generate-unicode-categories-json" > /dev/null)
  cp "$unicode/$props" "$out/$props"
  rm -rf "$unicode"
fi
ln -sfn ../cli/src/generate "$out/src/generate"

cat > "$out/Cargo.toml" <<'TOML'
[package]
name = "tree-sitter-generate"
version = "0.20.8"
edition = "2018"

[dependencies]
anyhow = "1.0"
indexmap = "1"
lazy_static = "1.2.0"
log = { version = "0.4.6", features = ["std"] }
regex = "1"
regex-syntax = "0.6.4"
rustc-hash = "1"
semver = "1.0"
serde = { version = "1.0.130", features = ["derive"] }
serde_derive = "1.0"
serde_json = { version = "1.0", features = ["preserve_order"] }
smallbitvec = "2.5.1"
tree-sitter = "0.20"
TOML

# Every crate from Debian's registry, none from crates.io.
cat > "$out/.cargo/config.toml" <<'TOML'
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
TOML

# The CLI's build.rs sets this (the version of the tree-sitter crate that generated Rust bindings
# depend on); bindings are not written here, but the module needs it to compile.
cat > "$out/build.rs" <<'RUST'
fn main() {
    println!("cargo:rustc-env=RUST_BINDING_VERSION=0.20.10");
}
RUST

cat > "$out/src/main.rs" <<'RUST'
// `tree-sitter generate` without the rest of the CLI:
//   tree-sitter-generate [generate] [--abi N] [GRAMMAR_DIR]     (or --version)
// reads GRAMMAR_DIR/grammar.js (evaluated by node with tree-sitter's dsl.js) and writes
// src/parser.c, src/node-types.json, src/grammar.json and src/tree_sitter/parser.h there.
mod generate;

use std::path::PathBuf;

fn main() {
    let mut abi_version = tree_sitter::LANGUAGE_VERSION;
    let mut dir = std::env::current_dir().expect("no current directory");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "generate" => {}
            "--version" => {
                println!("tree-sitter-generate 0.20.8 (tree-sitter's cli/src/generate, built offline)");
                return;
            }
            "--abi" => {
                abi_version = args.next().and_then(|v| v.parse().ok()).expect("--abi needs a number");
            }
            _ => dir = PathBuf::from(arg),
        }
    }
    if let Err(error) = generate::generate_parser_in_directory(&dir, None, abi_version, false, None) {
        eprintln!("{:?}", error);
        std::process::exit(1);
    }
}
RUST

(cd "$out" && cargo build --release --offline)
echo "build-generator: $out/target/release/tree-sitter-generate"
