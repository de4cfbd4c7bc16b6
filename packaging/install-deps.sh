#!/usr/bin/env bash
# Installs the Debian 12 packages GateBench needs, and only those that are missing.
# Idempotent: a second run installs nothing and does not touch the network.
#   install-deps.sh [build|test|bench|all]   (default: test, which includes build)
set -euo pipefail

# Every package is named, recommended ones too: apt runs with --no-install-recommends, and a
# machine that has built Qt code before may have what a new one lacks (CI checks on a clean root).
# libqt6opengl6-dev: Qt6Charts' CMake package needs Qt6OpenGL's, only a recommendation of
# qt6-base-dev. dpkg-dev (dpkg-shlibdeps) and file: `make package` computes the .deb's
# dependencies with them. qt6-svg-dev: the charts' Save as SVG. cmake/Dependencies.cmake names the
# package of each missing library.
build_pkgs=(g++ cmake ninja-build ccache pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev libgl-dev libboost-dev libhiredis-dev nlohmann-json3-dev
  libssh-dev libssl-dev dpkg-dev file)
# Real parts the tests start themselves: redis-server, sshd, an X server for GUI smoke tests,
# pdftotext for PDF checks, clang's libFuzzer runtime for the fuzz targets, hey (gatebench-load is
# tested beside it), valgrind (the editor's form layouts are checked under it), python3-msgpack
# (an independent decoder of the analytics records).
test_pkgs=(redis-server openssh-server openssh-client xvfb xauth poppler-utils clang libclang-rt-14-dev
  hey valgrind python3-msgpack)
# Peers the benchmarks in tests/bench/ compare against; not needed to build or test.
bench_pkgs=(wrk hey nginx-light haproxy caddy time util-linux procps curl python3 redis-tools)

case "${1:-test}" in
  build) wanted=("${build_pkgs[@]}") ;;
  test) wanted=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) wanted=("${bench_pkgs[@]}") ;;
  all) wanted=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
else
  SUDO=
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# Debian starts daemons on install; tests start their own on ephemeral ports, so keep the
# package's system-wide instances from starting (policy-rc.d 101 = "action forbidden").
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
