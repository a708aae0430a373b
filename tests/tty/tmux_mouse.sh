#!/usr/bin/env bash
# Issue 12 friction 8: on a real terminal the console asks for mouse reports (clicks and the wheel:
# xterm's mode 1000), and "mouse = no" in the config leaves the mouse to the terminal (no such
# request), so that text can be selected as usual.
set -euo pipefail
dispatch=$1 emulator=$2
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" mouse
base=$sock
tty_sockets+=("$base-on" "$base-off")
start_emulator --seed 7 --connections 1 --vehicles 4 --users 4 --trailers 2

run() { # NAME CONFIG_LINE: the console in tmux with that config, its raw output in $work/NAME.log
  sock="$base-$1" # a fresh server each time: a killed one may still be exiting
  mkdir -p "$work/$1/config/catena-dispatch"
  echo "$2" >"$work/$1/config/catena-dispatch/config"
  tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 "sleep 0.5; env TERM=xterm-256color HOME=$work/$1 XDG_CONFIG_HOME=$work/$1/config XDG_STATE_HOME=$work/$1/state LANG=C.UTF-8 CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret $dispatch --api-url $url --auth-url $url/realms/catena; sleep 30"
  tmux -L "$sock" pipe-pane -o -t t "cat >> $work/$1.log"
  wait_for "Acme Freight" 20 || fail "$1: connections did not load"
  tmux -L "$sock" send-keys -t t q
  sleep 0.3
  tmux -L "$sock" kill-server 2>/dev/null || true
}
run on "mouse = yes"
run off "mouse = no"
grep -aq '1000h' "$work/on.log" || fail "no mouse reports asked for with mouse = yes"
grep -aq '1000h' "$work/off.log" && fail "mouse reports asked for with mouse = no"
echo "ok: mouse on by default, off with mouse = no"
