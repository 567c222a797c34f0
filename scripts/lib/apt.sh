# Sourced by the set-up scripts (setup-webgpu.sh, setup-datasets.sh, setup-bench.sh) before they
# install Debian packages: `require_apt NAME NOT_DEBIAN NOT_ROOT` exits 1 with NAME's message when
# this is not a Debian system (NOT_DEBIAN) or when root is needed and sudo is missing (NOT_ROOT),
# and otherwise sets SUDO to what the apt-get calls go through ("sudo" or nothing).
require_apt() {
  if ! command -v apt-get >/dev/null; then
    echo "$1: $2" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then SUDO=sudo; else
      echo "$1: $3" >&2
      exit 1
    fi
  fi
}
