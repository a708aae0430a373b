#!/usr/bin/env bash
# Nothing typed is lost: type a message in the console under tmux, kill -9 the console (as a
# crash or a dropped SSH session would), start it again: the draft is offered back, whole.
# Then the same for a DVIR log form (issue 10): a driver picked, defects chosen, a comment
# written; after kill -9 the form comes back with all of it.
# The demo emulator must not outlive the killed console either.
set -euo pipefail
dispatch=$1 emulator=$2
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" draft
run() {
  tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 \
    "env -u NO_COLOR LSAN_OPTIONS=${LSAN_OPTIONS:-} TERM=xterm-256color HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state LANG=C.UTF-8 CATENA_EMULATOR=$emulator $dispatch --demo; sleep 30"
}

run
wait_for "signed in" 20 || fail "never signed in"
wait_for " connections" 20 || fail "no connections"
tmux -L "$sock" send-keys -t t 2
wait_for " drivers" 20 || fail "drivers did not load"
tmux -L "$sock" send-keys -t t m
wait_for "To:" 5 || fail "composer did not open"
tmux -L "$sock" send-keys -t t -l "Pick up at dock 7, then call Ana — ¡gracias!"
wait_for "¡gracias!" 5 || fail "typed text not shown"
# The console is the child of this pane's shell (pgrep -f would also match tmux servers of other
# tests, whose command lines hold the same command).
pane_pid=$(tmux -L "$sock" display-message -p -t t '#{pane_pid}')
pid=$(pgrep -P "$pane_pid" -x catena-dispatch | head -n1)
[ -n "$pid" ] || fail "console pid not found"
emu=$(pgrep -P "$pid" -x catena-emulator || true)
[ -n "$emu" ] || fail "the demo emulator is not the console's child"
# The draft is written as it is typed; give the loop one turn to flush it.
for _ in $(seq 1 50); do
  ls "$work/state/catena-dispatch/accounts/demo-"*/drafts/*.json >/dev/null 2>&1 && break
  sleep 0.1
done
kill -9 "$pid"
if [ -n "$emu" ]; then
  for _ in $(seq 1 50); do kill -0 "$emu" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$emu" 2>/dev/null && fail "the demo emulator survived kill -9 of the console"
fi
grep -q 'dock 7, then call Ana' "$work"/state/catena-dispatch/accounts/demo-*/drafts/*.json || fail "no draft on disk"
tmux -L "$sock" kill-server 2>/dev/null || true
sleep 0.2

run
wait_for "unsent draft" 20 || fail "the draft was not offered at start"
wait_for "Pick up at dock 7" 5 || fail "the drafts list does not show the text"
tmux -L "$sock" send-keys -t t Enter
wait_for "¡gracias!" 5 || fail "the composer did not reopen the draft"
wait_for "To:" 5 || fail "no recipient in the reopened draft"
echo "ok: draft recovered after kill -9"

# A DVIR log form: Esc keeps the message's draft; 5 shows the DVIR logs, n opens the form.
tmux -L "$sock" send-keys -t t Escape
wait_for "Draft kept" 5 || fail "the message's draft was not kept"
tmux -L "$sock" send-keys -t t 5
wait_for "DVIR log" 20 || fail "the DVIR list did not show"
tmux -L "$sock" send-keys -t t n
wait_for "New DVIR log" 5 || fail "the DVIR form did not open"
tmux -L "$sock" send-keys -t t Enter
wait_for "type to filter the list" 5 || fail "no driver picker"
tmux -L "$sock" send-keys -t t Enter
# Defects (the 8th field): several chosen in the picker.
tmux -L "$sock" send-keys -t t j j j j j j j Enter
wait_for "Space chooses" 5 || fail "no defects picker"
tmux -L "$sock" send-keys -t t -l "brakes"
tmux -L "$sock" send-keys -t t Space C-u
tmux -L "$sock" send-keys -t t -l "mirrors"
tmux -L "$sock" send-keys -t t Space Enter
wait_for "brakes, mirrors" 5 || fail "the defects were not taken"
# Driver comment (three down), kept with Enter.
tmux -L "$sock" send-keys -t t j j j Enter
tmux -L "$sock" send-keys -t t -l "Brake line leaking — ¡ojo!"
tmux -L "$sock" send-keys -t t Enter
wait_for "¡ojo!" 5 || fail "the comment is not shown"
pane_pid=$(tmux -L "$sock" display-message -p -t t '#{pane_pid}')
pid=$(pgrep -P "$pane_pid" -x catena-dispatch | head -n1)
[ -n "$pid" ] || fail "console pid not found (DVIR)"
for _ in $(seq 1 50); do
  grep -q 'Brake line leaking' "$work"/state/catena-dispatch/accounts/demo-*/drafts/*.json 2>/dev/null && break
  sleep 0.1
done
kill -9 "$pid"
grep -q 'Brake line leaking' "$work"/state/catena-dispatch/accounts/demo-*/drafts/*.json || fail "no DVIR draft on disk"
tmux -L "$sock" kill-server 2>/dev/null || true
sleep 0.2

run
wait_for "2 unsent drafts" 20 || fail "the two drafts were not offered at start"
wait_for "New DVIR log" 5 || fail "the drafts list does not show the DVIR log"
# Newest first: the DVIR log's draft, unless both were saved in the same second; then the
# message's may come first: close it (its draft stays) and take the next row.
tmux -L "$sock" send-keys -t t Enter
if ! wait_for "New DVIR log ·" 3; then
  tmux -L "$sock" send-keys -t t Escape
  wait_for "Draft kept" 5 || fail "the reopened message did not close"
  tmux -L "$sock" send-keys -t t D
  wait_for "kept on disk" 5 || fail "the drafts list did not come back"
  tmux -L "$sock" send-keys -t t j Enter
fi
wait_for "New DVIR log ·" 5 || fail "the DVIR form did not reopen"
wait_for "brakes, mirrors" 5 || fail "the defects were lost"
wait_for "Brake line leaking — ¡ojo!" 5 || fail "the comment was lost"
wait_for "Defect count    2" 5 || fail "the count was not derived again"
echo "ok: DVIR form draft recovered after kill -9"
echo "2 passed, 0 failed"
