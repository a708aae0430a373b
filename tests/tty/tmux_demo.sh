#!/usr/bin/env bash
# Real-terminal test: catena-dispatch --demo inside tmux, under several TERMs (one unknown, whose
# fallback is said on the message line), sees the lists, survives resizes, quits cleanly with exit
# 0 and leaves no emulator behind.
set -euo pipefail
dispatch=$1 emulator=$2
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 1; }
base_sock="catena-test-$$"
sock=$base_sock
work=$(mktemp -d)
cleanup() { for t in xterm-256color screen-256color vt100 xterm-kitty-unknown; do tmux -L "$base_sock-$t" kill-server 2>/dev/null || true; done; rm_work; }
# The consoles quit on SIGHUP and save their state (the inbox) as they go: retry until they are done.
rm_work() { for _ in $(seq 1 20); do rm -rf "$work" 2>/dev/null && return 0; sleep 0.25; done; rm -rf "$work"; }
trap cleanup EXIT

fail() {
  echo "FAIL ($term): $*"
  tmux -L "$sock" list-panes -t t -F 'pane #{pane_width}x#{pane_height} dead=#{pane_dead} pid=#{pane_pid}' 2>&1 || true
  pgrep -a -x catena-dispatch || echo "(no console process)"
  echo "--- screen:"; tmux -L "$sock" capture-pane -p -t t 2>/dev/null || true
  exit 1
}

wait_for_not() { # TEXT [seconds]: until TEXT is gone
  local deadline=$((SECONDS + ${2:-20}))
  while [ $SECONDS -lt $deadline ]; do
    tmux -L "$sock" capture-pane -p -t t 2>/dev/null | grep -qF -- "$1" || return 0
    sleep 0.1
  done
  return 1
}

wait_for() { # TEXT [seconds]
  local deadline=$((SECONDS + ${2:-20}))
  while [ $SECONDS -lt $deadline ]; do
    tmux -L "$sock" capture-pane -p -t t 2>/dev/null | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}

for term in xterm-256color screen-256color vt100 xterm-kitty-unknown; do
  sock="$base_sock-$term" # a fresh server each time: a killed one may still be exiting
  tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 \
    "env -u NO_COLOR LSAN_OPTIONS=${LSAN_OPTIONS:-} TERM=$term HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state LANG=C.UTF-8 CATENA_EMULATOR=$emulator $dispatch --demo; echo EXIT=\$?; sleep 30" \; \
    set-option -g status off
  wait_for "signed in" 20 || fail "never signed in"
  # This test's own console and its demo emulator (other tests may run theirs meanwhile).
  pane_pid=$(tmux -L "$sock" display-message -p -t t '#{pane_pid}')
  console=$(pgrep -P "$pane_pid" -x catena-dispatch | head -n1)
  emu=$(pgrep -P "${console:-0}" -x catena-emulator | head -n1)
  [ -n "$console" ] && [ -n "$emu" ] || fail "console or its emulator not found"
  wait_for "connections" 20 || fail "no connections loaded"
  if [ "$term" = xterm-kitty-unknown ]; then # issue 12: the fallback is said, once
    wait_for "TERM=xterm-kitty-unknown cannot be used here; drawing as xterm-256color" 5 ||
      fail "no notice of the TERM fallback"
  fi
  tmux -L "$sock" send-keys -t t 3
  wait_for "Plate" 10 || fail "vehicles view did not open"
  wait_for " vehicles" 20 || fail "vehicles did not load"
  # Resize smaller, tiny and back: the console must redraw each time.
  tmux -L "$sock" resize-window -t t -x 60 -y 15
  wait_for_not "1 Connections" 10 || fail "no redraw at 60x15 (all tabs still shown)"
  wait_for "3 Vehicles" 10 || fail "no redraw at 60x15"
  tmux -L "$sock" resize-window -t t -x 18 -y 4
  wait_for "Terminal too small" 10 || fail "no 'too small' notice at 18x4"
  tmux -L "$sock" resize-window -t t -x 120 -y 40
  wait_for "VIN" 5 || fail "no redraw at 120x40"
  tmux -L "$sock" send-keys -t t '?'
  wait_for "Keys (Esc" 5 || fail "help did not open"
  tmux -L "$sock" send-keys -t t q
  wait_for "VIN" 5 || fail "help did not close"
  tmux -L "$sock" send-keys -t t q
  wait_for "EXIT=0" 10 || fail "did not quit with status 0"
  for _ in $(seq 1 50); do kill -0 "$emu" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$emu" 2>/dev/null; then
    fail "the demo emulator is still running after quit"
  fi
  tmux -L "$sock" kill-server 2>/dev/null || true
  echo "ok: $term"
done
echo "1 passed, 0 failed"
