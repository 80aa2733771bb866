#!/bin/bash
# Installs the Debian bookworm packages pylog builds and tests with.
# Idempotent and silent when everything is present; apt-get runs only when needed.
set -euo pipefail

packages=(bazel-bootstrap googletest libgtest-dev libbenchmark-dev pybind11-dev
          python3-dev python3-pytest python3-setuptools python3-wheel python3-pip
          clang libclang-rt-14-dev binutils valgrind patchelf
          cmake meson ninja-build pkg-config python3-mesonpy python3-venv)

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup.sh: installing ${missing[*]}" >&2
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
