#!/bin/sh
# Each built man page renders with groff -ww (every warning on) without a warning, and man -l
# shows it with its NAME. Usage: man_render.sh GROFF MAN_DIR man1/PAGE.1 ...
set -eu
groff=$1 dir=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for page in "$@"; do
    f="$dir/$page"
    [ -s "$f" ] || { echo "man_render: $f missing or empty" >&2; exit 1; }
    "$groff" -ww -z -man -Tutf8 "$f" 2>"$tmp/warn" >/dev/null || { cat "$tmp/warn" >&2; exit 1; }
    if [ -s "$tmp/warn" ]; then
        echo "man_render: groff warns about $page:" >&2
        cat "$tmp/warn" >&2
        exit 1
    fi
    if command -v man >/dev/null 2>&1; then
        MANWIDTH=80 man -l "$f" 2>"$tmp/warn" >"$tmp/out" || { cat "$tmp/warn" >&2; exit 1; }
        grep -q "^NAME" "$tmp/out" || { echo "man_render: man -l $page shows no NAME" >&2; exit 1; }
        [ ! -s "$tmp/warn" ] || { echo "man_render: man -l $page:" >&2; cat "$tmp/warn" >&2; exit 1; }
    fi
done
echo "man_render: ok"
