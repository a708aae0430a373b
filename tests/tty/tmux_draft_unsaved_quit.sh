#!/usr/bin/env bash
# Issue 14 item 4, nothing typed is lost even when the disk takes nothing: the state directory
# lies below a regular file (ENOTDIR, also for root). The composer says NOT SAVED and Esc does not
# close it; Ctrl-C quits anyway, and the console then writes the text it could not save to the
# terminal (stderr), with the recipient and why.
set -euo pipefail
dispatch=$1 emulator=$2
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" unsaved
# The console writes its unsaved text below the screen: read the scrollback too.
screen() { tmux -L "$sock" capture-pane -p -J -S -100 -t t 2>/dev/null; }
touch "$work/not-a-dir"
tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 \
  "env -u NO_COLOR LSAN_OPTIONS=${LSAN_OPTIONS:-} TERM=xterm-256color HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/not-a-dir/state LANG=C.UTF-8 CATENA_EMULATOR=$emulator $dispatch --demo; echo exited; sleep 30"
wait_for "signed in" || fail "never signed in"
wait_for " connections" || fail "no connections"
tmux -L "$sock" send-keys -t t 2
wait_for " drivers" || fail "drivers did not load"
tmux -L "$sock" send-keys -t t m
wait_for "To:" 5 || fail "composer did not open"
tmux -L "$sock" send-keys -t t -l "Unsaveable: gate 4 at noon"
wait_for "NOT SAVED" 5 || fail "the composer does not say the draft is not saved"
tmux -L "$sock" send-keys -t t Escape
wait_for "Close and lose" 5 || fail "Esc did not ask before losing the text"
tmux -L "$sock" send-keys -t t C-c
# With a draft open, Ctrl-C first says what happens to it (issue 12) and quits on the second press.
if ! wait_for "exited" 3; then
  tmux -L "$sock" send-keys -t t C-c
  wait_for "exited" 10 || fail "Ctrl-C did not quit"
fi
wait_for "could not be saved" 2 || fail "the unsaved draft was not written to the terminal"
wait_for "Unsaveable: gate 4 at noon" 2 || fail "the text of the unsaved draft is missing"
echo "ok: an unsaved draft outlives the console on the terminal"
echo "1 passed, 0 failed"
