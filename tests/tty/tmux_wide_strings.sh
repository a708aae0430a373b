#!/usr/bin/env bash
# Issue 14 item 10 in a real terminal: names with emoji ZWJ sequences, skin tones, flags, Thai
# stacks, a lone mark and a stack of accents must not move the columns after them. The console
# runs in tmux (which glues a ZWJ sequence into one cell); the trailers list is captured, and for
# every row the text before the Plate column is printed in a second tmux pane, whose cursor says
# in which column the terminal itself puts the plate: it must be the header's. Checked with the
# emoji mode the console picks inside tmux (auto: joined), and with emoji = portable; after moving
# the selection (partial redraws) as well as on the first frame.
set -euo pipefail
dispatch=$1 emulator=$2
TTY_TARGET=con
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" wide
start_emulator --seed 7 --wide-strings --connections 1 --vehicles 4 --users 4 --trailers 6

# The probe: a shell in its own window that prints a file and reports where its cursor stopped.
tmux -L "$sock" -f /dev/null new-session -d -s probe -x 200 -y 10 "env -i PATH=$PATH LANG=C.UTF-8 PS1= bash --norc --noprofile"
columns_of() { # columns_of FILE: the column tmux's cursor reaches after printing FILE
  tmux -L "$sock" send-keys -t probe "clear; cat '$1'; tmux -L $sock wait-for -S probed-$$; read -r _" Enter
  timeout 20 tmux -L "$sock" wait-for "probed-$$" || fail "the probe shell does not answer"
  tmux -L "$sock" display -p -t probe '#{cursor_x}'
  tmux -L "$sock" send-keys -t probe Enter
}

# check_rows LABEL: every trailer row's plate starts in the header's Plate column.
check_rows() {
  local label=$1 rows=0
  tmux -L "$sock" capture-pane -p -t con >"$work/screen.txt"
  local header plate_col
  header=$(grep -m1 '^Name  *Plate' "$work/screen.txt") || fail "$label: no header"
  plate_col=$(($(printf '%s' "${header%%Plate*}" | wc -c)))
  while IFS= read -r line; do
    # Rows end in a plate like 8WJ8956 / 4PK3814 (digit, 2 letters, 4 digits) after the name.
    [[ "$line" =~ ^(.*[^ ])?(\ +)([0-9][A-Z][A-Z][0-9]{4})\  ]] || continue
    local prefix=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
    printf '%s' "$prefix" >"$work/prefix"
    local col
    col=$(columns_of "$work/prefix")
    [ "$col" = "$plate_col" ] || fail "$label: the plate ${BASH_REMATCH[3]} is in column $col, the header's in $plate_col (row: $line)"
    rows=$((rows + 1))
  done <"$work/screen.txt"
  [ $rows -ge 6 ] || fail "$label: only $rows trailer rows checked"
  echo "ok: $label: $rows rows aligned at column $plate_col"
}

run_console() { # run_console MODE: the console in window "con", on the trailers list
  local mode=$1
  mkdir -p "$work/home-$mode/config/catena-dispatch"
  printf 'live_locations = no\n%s\n' "$([ "$mode" = auto ] || echo "emoji = $mode")" \
    >"$work/home-$mode/config/catena-dispatch/config"
  tmux -L "$sock" kill-window -t con 2>/dev/null || true
  tmux -L "$sock" new-window -d -n con -t probe: "env TERM=xterm-256color HOME=$work/home-$mode XDG_CONFIG_HOME=$work/home-$mode/config XDG_STATE_HOME=$work/home-$mode/state LANG=C.UTF-8 CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret $dispatch --api-url $url --auth-url $url/realms/catena; sleep 30"
  tmux -L "$sock" resize-window -t con -x 100 -y 20 2>/dev/null || true
  wait_for "Acme Freight" 20 || fail "$mode: connections did not load"
  tmux -L "$sock" send-keys -t con 4
  wait_for "Fam " 20 || fail "$mode: the trailers did not load"
  sleep 0.3
}

for mode in auto portable; do
  run_console $mode
  check_rows "$mode, first frame"
  # Moving the selection redraws rows in part: what is redrawn must land on what was drawn.
  for _ in 1 2 3; do tmux -L "$sock" send-keys -t con j; done
  sleep 0.3
  tmux -L "$sock" send-keys -t con k
  sleep 0.3
  check_rows "$mode, after moving the selection"
  tmux -L "$sock" send-keys -t con q
done
echo "2 passed, 0 failed"
