#!/bin/sh
# Builds the .deb with cpack, checks its control fields and contents with dpkg-deb and runs the
# programs unpacked from it (never installs it). Usage: deb_control.sh CPACK BUILD_DIR [./usr/share/man/... expected files]
set -eu
cpack=$1 build=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "deb_control: $*" >&2; exit 1; }

(cd "$tmp" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1) ||
    { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(ls "$tmp"/out/*.deb)
[ -n "$deb" ] || fail "no .deb made"
dpkg-deb -I "$deb" >"$tmp/info"
dpkg-deb -f "$deb" Package | grep -qx catena-dispatch || fail "Package field"
dpkg-deb -f "$deb" Version | grep -q '^[0-9]' || fail "Version field"
dpkg-deb -f "$deb" Architecture | grep -qx "$(dpkg --print-architecture)" || fail "Architecture field"
depends=$(dpkg-deb -f "$deb" Depends)
for p in libncursesw6 libcurl4 libcjson1 libmicrohttpd12 libc6 zlib1g; do
    echo "$depends" | tr ',' '\n' | grep -q "^ *$p\( \|$\)" || fail "Depends lacks $p: $depends"
    # Every dependency is a package Debian has here (the name exists, not a -dev one).
    apt-cache show "$p" >/dev/null 2>&1 || fail "Depends names $p, which apt does not know"
done
dpkg-deb -c "$deb" >"$tmp/files"
for f in ./usr/bin/catena-dispatch ./usr/bin/catena-emulator ./usr/share/catena-dispatch/themes/eight.theme \
         ./usr/share/bash-completion/completions/catena-dispatch "$@"; do
    grep -q " $f\$" "$tmp/files" || fail "$f not in the package"
done
# The unpacked package runs: the versions, and a theme only the package holds.
dpkg-deb -x "$deb" "$tmp/x"
env -i PATH=/usr/bin:/bin HOME="$tmp" "$tmp/x/usr/bin/catena-dispatch" --version | grep -q '^catena-dispatch [0-9]' ||
    fail "the packaged catena-dispatch does not run"
env -i PATH=/usr/bin:/bin "$tmp/x/usr/bin/catena-emulator" --version | grep -q '^catena-emulator [0-9]' ||
    fail "the packaged catena-emulator does not run"
printf ':quit\n' >"$tmp/q.script"
env -i PATH=/usr/bin:/bin HOME="$tmp" XDG_CONFIG_HOME="$tmp/c" XDG_STATE_HOME="$tmp/s" \
    "$tmp/x/usr/bin/catena-dispatch" --theme eight --script "$tmp/q.script" >"$tmp/run.out" 2>&1 ||
    { cat "$tmp/run.out" >&2; fail "the packaged console does not find its themes"; }
echo "deb_control: ok ($(basename "$deb"))"
