#!/usr/bin/env bash
# Runs commands in a freshly made Debian 12 root, as on a new user's machine: debootstrap minbase of
# bookworm from this machine's own apt source, plus only what a new user brings (git, make,
# ca-certificates, sudo). The project is cloned fresh into it at the current commit, so every other
# package must come from the project's own files (packaging/install-deps.sh).
#
#   fresh-root.sh [-C PROJECT_DIR] [COMMAND...]      default: "make test"
#
# Each COMMAND is one shell command line, run in the project's clone in order; the script stops at
# the first that fails and prints how long each phase took. CI runs it (.ci/run); developers run it
# before calling an install change done.
#
# What is kept between runs (under $FRESH_CACHE, default /var/cache/gatebench-fresh-root), and why
# that keeps the check honest:
#   base/      the debootstrap'd root. It holds nothing of the project; it is remade when its recipe
#              (suite, included packages, apt sources) changes.
#   archives/  downloaded .deb files, bind-mounted on the root's /var/cache/apt/archives. apt still
#              has to be told to install every package; only the download is saved.
# The working root ($FRESH_CACHE/work) is removed and made anew from base/ on every run.
# This machine's compiler cache ($CCACHE_DIR, else ccache's default ~/.cache/ccache) is
# bind-mounted too, so the clean root's build is as warm as a developer's (the build keys ccache
# on paths relative to the source tree, so any clone hits).
# Needs root (debootstrap, mount, chroot). Exits with the status of the first failing command.
set -euo pipefail

project=$(pwd)
if [ "${1:-}" = "-C" ]; then project=$(cd "$2" && pwd); shift 2; fi
[ $# -gt 0 ] || set -- "make test"
[ "$(id -u)" -eq 0 ] || { echo "fresh-root: needs root (debootstrap, mount, chroot)" >&2; exit 1; }

cache=${FRESH_CACHE:-/var/cache/gatebench-fresh-root}
base=$cache/base
root=$cache/work
include=git,make,ca-certificates,sudo
started=$SECONDS
mark=$SECONDS
phase() { echo "fresh-root: $1: $((SECONDS - mark)) s"; mark=$SECONDS; }

sources=/etc/apt/sources.list.d/debian.sources
mirror=$(awk '/^URIs:/{print $2; exit}' "$sources" 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "fresh-root: no Debian mirror in this machine's apt sources" >&2; exit 1; }

# Everything below the root is unmounted before anything is removed, and removal never leaves the
# root's file system: a bind mount left behind must not let rm reach the host's /dev or caches.
mounted_below() { awk -v r="$1/" 'index($2, r) == 1 {print $2}' /proc/self/mounts | sort -r; }
release_root() {
  [ -d "$root" ] || return 0
  # processes a test left running inside the root (a server that was not stopped)
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
  done
  local m
  for m in $(mounted_below "$root"); do umount "$m" 2>/dev/null || umount -l "$m"; done
  if [ -n "$(mounted_below "$root")" ]; then
    echo "fresh-root: could not unmount everything below $root" >&2
    return 1
  fi
}
trap 'release_root || true' EXIT

# --- the base root, made once per recipe ---
recipe="bookworm $include $mirror $(sha256sum "$sources" 2>/dev/null | cut -c1-16)"
if [ "$(cat "$base/.recipe" 2>/dev/null)" != "$recipe" ]; then
  if ! command -v debootstrap >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  fi
  mkdir -p "$cache"
  rm -rf --one-file-system "$base"
  debootstrap --variant=minbase --include=$include bookworm "$base" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { echo "fresh-root: debootstrap failed, see $cache/debootstrap.log" >&2; exit 1; }
  # this machine's deb822 sources (with the security archive) replace debootstrap's one-line list
  if [ -f "$sources" ]; then
    cp "$sources" "$base/etc/apt/sources.list.d/"
    rm -f "$base/etc/apt/sources.list"
  fi
  rm -rf "$base/var/cache/apt/archives"/*.deb
  echo "$recipe" >"$base/.recipe"
  phase "base root made (debootstrap)"
fi

# --- the working root, made anew ---
release_root
rm -rf --one-file-system "$root"
cp -a "$base" "$root"
ccache_dir=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
mkdir -p "$cache/archives/partial" "$ccache_dir" "$root/ccache"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount --bind "$cache/archives" "$root/var/cache/apt/archives"
mount --bind "$ccache_dir" "$root/ccache"
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q "$project" "$root/root/project"
commit=$(git -C "$project" rev-parse HEAD)
git -C "$root/root/project" checkout -q "$commit"
phase "root ready, project cloned at ${commit:0:10}"

# --- the commands, one phase each ---
for cmd in "$@"; do
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    ${CI:+CI=$CI} CCACHE_DIR=/ccache /bin/bash -c "cd /root/project && $cmd" </dev/null
  rc=$?
  set -e
  phase "'$cmd' exited $rc"
  if [ "$rc" -ne 0 ]; then
    echo "fresh-root: FAILED: '$cmd' (exit $rc); total $((SECONDS - started)) s"
    exit "$rc"
  fi
done
echo "fresh-root: all $# command(s) passed; total $((SECONDS - started)) s"
