#!/usr/bin/env bash
# WebGPU without a GPU (docs: README "WebGPU"): installs, where missing, what lets the tests run
# WGSL for real on a machine with no GPU — Mesa's software Vulkan driver lavapipe, from Debian
# bookworm-backports (bookworm's own Mesa 22 is too old for Dawn, the npm package `webgpu`), and
# Debian's chromium, whose bundled SwiftShader gives the browser tests a WebGPU adapter.
# Idempotent; needs root (or sudo) only when something is missing. Called by .ci/run.
set -euo pipefail

need_mesa=1
need_chromium=1
# Present and new enough (Mesa ≥ 24): nothing to do for lavapipe.
if command -v dpkg-query >/dev/null; then
  have=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  if [ -n "$have" ] && dpkg --compare-versions "$have" ge 24; then
    echo "setup-webgpu: lavapipe present (mesa-vulkan-drivers $have)"
    need_mesa=0
  fi
elif ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
  echo "setup-webgpu: a lavapipe driver is present (not a Debian system: its version is not checked)"
  need_mesa=0
fi
# The tests launch /usr/bin/chromium by that path (test/helpers/browser.ts).
if [ -x /usr/bin/chromium ]; then
  echo "setup-webgpu: chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  need_chromium=0
fi
[ "$need_mesa$need_chromium" = 00 ] && exit 0

missing=()
[ $need_mesa = 1 ] && missing+=("lavapipe (Mesa's Vulkan drivers ≥ 24)")
[ $need_chromium = 1 ] && missing+=("/usr/bin/chromium")
. "$(dirname "$0")/lib/apt.sh"
require_apt setup-webgpu \
  "missing: ${missing[*]}, and this is not a Debian/Ubuntu system: install them yourself" \
  "missing: ${missing[*]}; run this script as root to install them"

. /etc/os-release
mesa_from=()
if [ $need_mesa = 1 ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
  # Mesa 25 from bookworm-backports: Dawn needs a newer lavapipe than bookworm's.
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  mesa_from=(-t bookworm-backports)
fi
$SUDO apt-get update -qq

if [ $need_mesa = 1 ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${mesa_from[@]}" mesa-vulkan-drivers
  echo "setup-webgpu: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
fi
if [ $need_chromium = 1 ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  echo "setup-webgpu: installed $(/usr/bin/chromium --version)"
fi
