#!/usr/bin/env bash
# Issue 14 item 6, the same draft sent twice: a console killed mid-compose leaves a draft; two
# consoles then start on the same state directory (two SSH sessions of one dispatcher) and both
# offer it. The first to open it claims it: the other says it is open in another console and
# cannot open (so cannot send) it; once the first has sent it, the other finds it gone.
set -euo pipefail
dispatch=$1 emulator=$2
sock="catena-two-$$"
work=$(mktemp -d)
# The consoles save their state as they exit: retry the removal until they are gone.
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  for _ in $(seq 1 20); do rm -rf "$work" 2>/dev/null && return 0; sleep 0.25; done
  rm -rf "$work"
}
trap cleanup EXIT
screen() { tmux -L "$sock" capture-pane -p -t "$1" 2>/dev/null || true; }
fail() { echo "FAIL: $*"; for s in t1 t2; do echo "--- screen $s:"; screen $s; done; exit 1; }
wait_for() {
  local deadline=$((SECONDS + ${3:-20}))
  while [ $SECONDS -lt $deadline ]; do
    screen "$1" | grep -qF -- "$2" && return 0
    sleep 0.1
  done
  return 1
}
run() {
  tmux -L "$sock" -f /dev/null new-session -d -s "$1" -x 100 -y 30 \
    "env -u NO_COLOR LSAN_OPTIONS=${LSAN_OPTIONS:-} TERM=xterm-256color HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state LANG=C.UTF-8 CATENA_EMULATOR=$emulator $dispatch --demo; sleep 30"
}
console_pid() {
  local pane_pid
  pane_pid=$(tmux -L "$sock" display-message -p -t "$1" '#{pane_pid}')
  pgrep -P "$pane_pid" -x catena-dispatch | head -n1
}

# A draft left behind by a console that died mid-compose.
run t1
wait_for t1 "signed in" || fail "never signed in"
wait_for t1 " connections" || fail "no connections"
tmux -L "$sock" send-keys -t t1 2
wait_for t1 " drivers" || fail "drivers did not load"
tmux -L "$sock" send-keys -t t1 m
wait_for t1 "To:" 5 || fail "composer did not open"
tmux -L "$sock" send-keys -t t1 -l "Only once: dock 9"
wait_for t1 "dock 9" 5 || fail "typed text not shown"
for _ in $(seq 1 50); do
  ls "$work/state/catena-dispatch/accounts/demo-"*/drafts/*.json >/dev/null 2>&1 && break
  sleep 0.1
done
pid=$(console_pid t1)
[ -n "$pid" ] || fail "console pid not found"
kill -9 "$pid"
tmux -L "$sock" kill-session -t t1 2>/dev/null || true
sleep 0.3

# Two consoles on the same state directory: both offer it.
run t1
run t2
wait_for t1 "unsent draft" || fail "console 1 did not offer the draft"
wait_for t2 "unsent draft" || fail "console 2 did not offer the draft"
wait_for t1 " connections" || fail "console 1: no connections"
wait_for t2 " connections" || fail "console 2: no connections"
tmux -L "$sock" send-keys -t t1 Enter
wait_for t1 "To:" 5 || fail "console 1 did not open the draft"
wait_for t1 "dock 9" 5 || fail "console 1 does not show the text"
pid1=$(console_pid t1)
tmux -L "$sock" send-keys -t t2 Enter
wait_for t2 "open in another console (process $pid1)" 5 || fail "console 2 opened a draft console 1 has open"
screen t2 | grep -qF "To:" && fail "console 2 shows a composer"
# Reopening the list there says who has it.
tmux -L "$sock" send-keys -t t2 Escape
tmux -L "$sock" send-keys -t t2 D
wait_for t2 "OPEN IN ANOTHER CONSOLE" 5 || fail "console 2's drafts list does not say the draft is open elsewhere"

# Console 1 sends it; console 2 then finds it gone, not sendable.
tmux -L "$sock" send-keys -t t1 C-x
wait_for t1 "sent, operation" 20 || fail "console 1 did not send"
tmux -L "$sock" send-keys -t t2 Enter
wait_for t2 "no longer there: it was sent or deleted" 5 || fail "console 2 could open a draft already sent"
screen t2 | grep -qF "To:" && fail "console 2 shows a composer for a sent draft"
ls "$work"/state/catena-dispatch/accounts/demo-*/drafts/*.json >/dev/null 2>&1 && fail "the sent draft is still on disk"
echo "ok: one draft, two consoles, sent once"
echo "1 passed, 0 failed"
