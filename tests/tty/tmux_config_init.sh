#!/usr/bin/env bash
# Real-terminal test: `catena-dispatch config init` in tmux against a catena-emulator: the answers
# are typed, the secret is never shown on the screen (no echo), the sign-in lists the connections
# and the profile is written with mode 600; the terminal echoes again afterwards.
set -euo pipefail
dispatch=$1 emulator=$2
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 1; }
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" config-init
start_emulator --client-secret 'tty-S3cret-42'

tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 30 \
  "env -u CATENA_CLIENT_ID -u CATENA_CLIENT_SECRET -u CATENA_API_URL -u CATENA_AUTH_URL HOME=$work XDG_CONFIG_HOME=$work/config LANG=C.UTF-8 $dispatch config init; echo EXIT=\$?; if stty -a | grep -q ' echo '; then echo ECHO-ON; else echo ECHO-OFF; fi; sleep 30" \; \
  set-option -g status off
wait_for "API URL [https://api.catenatelematics.com]:" 10 || fail "no API URL question"
tmux -L "$sock" send-keys -t t "$url" Enter
wait_for "Sign-in (auth) URL [$url/realms/catena]:" 10 || fail "no auth URL question with the emulator's default"
tmux -L "$sock" send-keys -t t Enter
wait_for "Client id:" 10 || fail "no client id question"
tmux -L "$sock" send-keys -t t "demo-client" Enter
wait_for "Client secret (not shown):" 10 || fail "no secret question"
tmux -L "$sock" send-keys -t t "tty-S3cret-42" Enter
wait_for "ECHO-O" 20 || fail "config init did not end"
screen=$(tmux -L "$sock" capture-pane -p -t t)
echo "$screen" | grep -qF "EXIT=0" || fail "config init failed"
echo "$screen" | grep -qF "Acme Freight" || fail "the connections were not listed"
echo "$screen" | grep -qF "tty-S3cret-42" && fail "the secret was echoed"
echo "$screen" | grep -qF "ECHO-ON" || fail "the terminal was left without echo"
cfg="$work/config/catena-dispatch/config"
[ "$(stat -c %a "$cfg")" = 600 ] || fail "config file mode $(stat -c %a "$cfg")"
grep -qx "client_secret = tty-S3cret-42" "$cfg" || fail "the secret was not written"
echo "tmux_config_init: ok"
