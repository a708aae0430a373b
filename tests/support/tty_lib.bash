# tty_lib: what the tmux tests (tests/tty/*.sh) share. Sourced after `dispatch=$1 emulator=$2`:
#   . "$(dirname "$0")/../support/tty_lib.bash" NAME
# It makes a private tmux server ($sock, named after NAME) and a temporary directory ($work),
# both removed at exit with the emulator and any other tmux server named in tty_sockets, and gives:
#   screen              the text of the pane $TTY_TARGET (default t)
#   fail MSG            says MSG and shows that pane, then exits 1
#   wait_for TEXT [S]   waits up to S seconds (default $TTY_WAIT_S, else 20) for TEXT in that pane
#   start_emulator ARG  starts catena-emulator on a free port with ARGs: sets emu_pid and url
sock="catena-$1-$$"
work=$(mktemp -d)
emu_pid=
TTY_TARGET=${TTY_TARGET:-t}
tty_sockets=("$sock")
tty_cleanup() {
  for s in "${tty_sockets[@]}"; do tmux -L "$s" kill-server 2>/dev/null || true; done
  # A console a test left running ($work/*.pid): a sanitized one that lost its terminal was seen
  # spinning in LeakSanitizer's exit check long after its test, so it is not left to exit alone.
  for f in "$work"/*.pid; do if [ -f "$f" ]; then kill -KILL "$(cat "$f")" 2>/dev/null || true; fi; done
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; fi
  # A console saves its state as it exits: retry the removal until it is gone.
  for _ in $(seq 1 20); do rm -rf "$work" 2>/dev/null && return 0; sleep 0.25; done
  rm -rf "$work"
}
trap tty_cleanup EXIT
screen() { tmux -L "$sock" capture-pane -p -t "$TTY_TARGET" 2>/dev/null; }
fail() {
  echo "FAIL: $*"
  echo "--- screen:"
  screen || true
  exit 1
}
wait_for() {
  local deadline=$((SECONDS + ${2:-${TTY_WAIT_S:-20}}))
  while [ $SECONDS -lt "$deadline" ]; do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
start_emulator() {
  # shellcheck disable=SC2154 # emulator: set by the test before it sources this file
  "$emulator" --port 0 "$@" >"$work/emu.out" 2>/dev/null &
  emu_pid=$!
  for _ in $(seq 1 100); do grep -q '^listening on ' "$work/emu.out" && break; sleep 0.05; done
  url=$(sed -n 's/^listening on //p' "$work/emu.out")
  [ -n "$url" ] || fail "the emulator did not start"
}
