#!/usr/bin/env bash
# The servers GateBench deploys to remote hosts, made to run on any x86-64 Linux whatever its
# glibc (Amazon Linux 2 has 2.26; we build against Debian 12's 2.36): each program with every
# shared library it loads and Debian's dynamic loader, run through that loader:
#
#   BUNDLE/lib/ld-linux-x86-64.so.2 --library-path BUNDLE/lib BUNDLE/bin/PROGRAM ARGS...
#
#   make-bundles.sh BIN_DIR OUT_DIR
# writes OUT_DIR/gatebench-bundle/{bin,lib,SHA256SUMS} and OUT_DIR/gatebench-bundle.tar.gz, the
# file that is uploaded (byte for byte the same for the same inputs, so an unchanged bundle is
# not uploaded again).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BIN_DIR OUT_DIR" >&2; exit 2; }
bin=$1
out=$2
redis=$(command -v redis-server || true)
[ -n "$redis" ] || { echo "make-bundles: redis-server is not installed (packaging/install-deps.sh installs it)" >&2; exit 1; }
programs=("$bin/gatebench-upstream" "$bin/gatebench-gateway" "$bin/gatebench-load" "$redis")
for p in "${programs[@]}"; do
  [ -x "$p" ] || { echo "make-bundles: $p is not built" >&2; exit 1; }
done

dir=$out/gatebench-bundle
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/lib"
for p in "${programs[@]}"; do
  cp -L "$p" "$dir/bin/"
  # "libx.so => /path (0x..)" and the loader's own "/lib64/ld-linux-x86-64.so.2 (0x..)"
  ldd "$p" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
    while read -r lib; do cp -Lf "$lib" "$dir/lib/"; done
done
[ -f "$dir/lib/ld-linux-x86-64.so.2" ] || { echo "make-bundles: no dynamic loader found by ldd" >&2; exit 1; }
(cd "$dir" && find bin lib -type f | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$out" -cf - gatebench-bundle |
  gzip -n >"$out/gatebench-bundle.tar.gz"
echo "make-bundles: $out/gatebench-bundle.tar.gz ($(du -h "$out/gatebench-bundle.tar.gz" | cut -f1)): $(cd "$dir/bin" && echo *)"
