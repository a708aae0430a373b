#!/usr/bin/env bash
# Issue 12 friction 3 on a real terminal: Ctrl-C (SIGINT) with a message open in the composer says
# what happens to it and quits only when pressed again (exit 0); the text is kept as a draft.
set -euo pipefail
dispatch=$1 emulator=$2
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" quit
start_emulator --seed 7 --connections 1 --vehicles 4 --users 6 --trailers 2
tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 "env TERM=xterm-256color HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state LANG=C.UTF-8 CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret $dispatch --api-url $url --auth-url $url/realms/catena; echo EXIT=\$?; sleep 30"
wait_for "Acme Freight" 20 || fail "connections did not load"
tmux -L "$sock" send-keys -t t 2
wait_for "Enter conversation" 20 || fail "drivers did not load" # the hint line: drivers are listed
tmux -L "$sock" send-keys -t t m
wait_for "0 characters" 20 || fail "the composer did not open"
tmux -L "$sock" send-keys -t t -l "Dock 7 at 14:00"
wait_for "15 characters" 20 || fail "the text was not typed"
tmux -L "$sock" send-keys -t t C-c
wait_for "The open message or form is kept as a draft (D brings it back). q or Ctrl-C again quits." 20 ||
  fail "Ctrl-C did not say what happens to the open message"
tmux -L "$sock" capture-pane -p -t t | grep -q "EXIT=" && fail "the first Ctrl-C quit"
tmux -L "$sock" send-keys -t t C-c
wait_for "EXIT=0" 20 || fail "the second Ctrl-C did not quit with exit 0"
ls "$work"/state/catena-dispatch/accounts/*/drafts/* >/dev/null 2>&1 || fail "no draft kept"
echo "ok: Ctrl-C asks once with a message open, quits the second time, the draft is kept"
