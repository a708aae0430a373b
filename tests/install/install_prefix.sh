#!/bin/sh
# Installs into a temporary DESTDIR and runs the installed programs: --version, --help, themes
# found from the install prefix (also after the whole tree is moved elsewhere), man pages and the
# bash completion in their places, --demo finding the installed emulator next to it.
# Usage: install_prefix.sh CMAKE BUILD_DIR [man1/PAGE.1 ...]
set -eu
cmake=$1 build=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install_prefix: $*" >&2; exit 1; }

DESTDIR="$tmp/root" "$cmake" --install "$build" --prefix /opt/catena >"$tmp/install.log" || fail "cmake --install failed"
prefix="$tmp/root/opt/catena"
for f in bin/catena-dispatch bin/catena-emulator share/catena-dispatch/themes/default.theme \
         share/catena-dispatch/themes/mono.theme share/catena-dispatch/themes/eight.theme \
         share/bash-completion/completions/catena-dispatch; do
    [ -e "$prefix/$f" ] || fail "$f not installed"
done
for f in "$@"; do
    [ -s "$prefix/share/man/$f" ] || fail "man page $f not installed"
done

# Run from a place where nothing of the source or build tree is near, with a clean environment.
mkdir "$tmp/home"
run() { env -i HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_STATE_HOME="$tmp/home/.state" \
            LC_ALL=C.UTF-8 PATH=/usr/bin:/bin "$@"; }
run "$prefix/bin/catena-dispatch" --version | grep -q '^catena-dispatch [0-9]' || fail "catena-dispatch --version"
run "$prefix/bin/catena-emulator" --version | grep -q '^catena-emulator [0-9]' || fail "catena-emulator --version"
run "$prefix/bin/catena-dispatch" --help | grep -q '^Usage: catena-dispatch' || fail "catena-dispatch --help"
run "$prefix/bin/catena-emulator" --help | grep -q '^Usage: catena-emulator' || fail "catena-emulator --help"

printf ':expect No credentials\n:quit\n' >"$tmp/quit.script"
check_theme() { # BIN: the installed-only theme "eight" loads; a missing one names the prefix's path
    run "$1" --theme eight --script "$tmp/quit.script" --size 80x24 >"$tmp/out" 2>&1 ||
        { cat "$tmp/out" >&2; fail "--theme eight not found from $1"; }
    ! run "$1" --theme nosuch --script "$tmp/quit.script" >"$tmp/out" 2>&1 || fail "--theme nosuch accepted"
    grep -q "$2/share/catena-dispatch/themes/nosuch.theme" "$tmp/out" ||
        { cat "$tmp/out" >&2; fail "the theme was not looked for under $2"; }
}
check_theme "$prefix/bin/catena-dispatch" "$prefix"
mv "$tmp/root/opt/catena" "$tmp/moved"
check_theme "$tmp/moved/bin/catena-dispatch" "$tmp/moved"

# --demo starts the catena-emulator installed next to the console.
printf ':wait-idle\n:expect Acme\n:quit\n' >"$tmp/demo.script"
run "$tmp/moved/bin/catena-dispatch" --demo --script "$tmp/demo.script" --size 100x30 >"$tmp/out" 2>&1 ||
    { cat "$tmp/out" >&2; fail "--demo with the installed emulator"; }
echo "install_prefix: ok"
