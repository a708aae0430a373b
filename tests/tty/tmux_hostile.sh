#!/usr/bin/env bash
# Escape injection: server strings carrying terminal escape sequences must never reach the
# terminal as such. The raw byte stream the console writes (tmux pipe-pane) is searched for the
# payloads, and the pane's title must not have been changed by an OSC sequence.
set -euo pipefail
dispatch=$1 emulator=$2
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" hostile
start_emulator --seed 7 --hostile-strings --connections 2 --vehicles 12 --users 10 --trailers 4

tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 "sleep 0.5; env TERM=xterm-256color HOME=$work XDG_STATE_HOME=$work/state LANG=C.UTF-8 CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret $dispatch --api-url $url --auth-url $url/realms/catena; sleep 30"
tmux -L "$sock" pipe-pane -o -t t "cat >> $work/raw.log"
tmux -L "$sock" select-pane -t t -T "catena-test-title"
wait_for "Acme Freight" 20 || fail "connections did not load"
tmux -L "$sock" send-keys -t t 3
wait_for "pwned" 20 || fail "the hostile vehicle is not listed"
sleep 0.3
grep -q 'pwned' "$work/raw.log" || fail "the raw capture does not work (no 'pwned' text at all)"
grep -q $'\x1b\\]0;pwned' "$work/raw.log" && fail "the OSC title payload reached the terminal"
grep -q $'\x1b\\[31mRED' "$work/raw.log" && fail "the colour payload reached the terminal"
grep -q $'\x1b\\[2J\x1b\\[H\x07' "$work/raw.log" && fail "the clear-screen payload reached the terminal"
grep -q $'\xc2\x9b' "$work/raw.log" && fail "a C1 control reached the terminal"
title=$(tmux -L "$sock" display-message -p -t t '#{pane_title}')
[ "$title" = "catena-test-title" ] || fail "the pane title changed to '$title'"
tmux -L "$sock" send-keys -t t q
echo "ok: no payload reached the terminal"
echo "1 passed, 0 failed"
