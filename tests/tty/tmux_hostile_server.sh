#!/usr/bin/env bash
# Issue 14 (always-on checks): the console in a real terminal against a hostile server. The
# vehicles stream a body announced as 5 GB, the trailers are a gzip bomb, the group messages an
# endless chunked body, the DVIR logs empty pages that keep a cursor, the fuel transactions a
# cursor that leads back to its own page, the TSPs' support map loops; later the auth server's
# token carries CR-LF and a header. With --hostile-strings in the names, at 100x30 and at 40x12:
# each list says what went wrong, the console answers keys (tabs, help, a message sent, q asks
# with an operation pending and the second q quits with exit 0), its peak memory stays bounded
# (VmHWM), nothing is sent with the refused token, and the raw bytes it wrote (tmux pipe-pane)
# hold no escape payload of the server: no OSC, no C1, no "X-Injected", no raw CR-LF.
set -euo pipefail
dispatch=$1 emulator=$2
TTY_WAIT_S=30 # a loaded machine under ASan: the hostile answers take their time
# shellcheck source=tests/support/tty_lib.bash
. "$(dirname "$0")/../support/tty_lib.bash" hostile-server
# The memory bound: a response is cut at HTTP_BODY_MAX_BYTES (src/core/http.h, ~31 MiB), received
# and inflated, and the answers in flight together at HTTP_BODIES_MAX_BYTES (twice that), with
# margin. Without the cap a gzip bomb alone inflates to 1 GiB.
hwm_max_kb=$((200 * 1024))
# Under AddressSanitizer the peak is not what the console holds: its allocator keeps freed blocks
# in a quarantine (kept to 16 MB here), never grows a block in place, and adds redzones. Alone it
# measured 77-109 MB, but twice 352-367 MB while CI ran the other sanitized tests beside it (not
# understood). So the bound is asserted in the plain build, which CI runs too; a sanitized run
# prints its peak.
asan=0 asan_options=${ASAN_OPTIONS:-}
if ldd "$dispatch" 2>/dev/null | grep -q libasan; then
  asan=1 asan_options="${asan_options:+$asan_options:}quarantine_size_mb=16"
fi
keys() { tmux -L "$sock" send-keys -t t "$@"; }
emu() {
  if [ $# -gt 2 ]; then
    curl -sf -X "$1" -H 'Content-Type: application/json' -d "$3" "$url/_emulator/$2"
  else
    curl -sf -X "$1" "$url/_emulator/$2"
  fi
}

start_emulator --seed 7 --hostile-strings --connections 2 --vehicles 12 --users 10 --trailers 4 \
  --time-scale 100 \
  --fault route=/v2/telematics/vehicles,kind=endless_body \
  --fault route=/v2/telematics/trailers,kind=gzip_bomb \
  --fault route=/v2/telematics/group-messages,kind=endless_body,chunked=1 \
  --fault route=/v2/telematics/dvir-logs,kind=empty_pages \
  --fault route=/v2/telematics/fuel-transactions,kind=cursor_loop \
  --fault route=/v2/integrations/tsps,kind=cursor_loop

# The console writes its pid, then becomes the console (exec): its pid is known before it starts.
cat >"$work/console.sh" <<EOF
#!/bin/sh
echo \$\$ >"$work/console.pid"
exec env TERM=xterm-256color HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" \
  LANG=C.UTF-8 ASAN_OPTIONS="$asan_options" LSAN_OPTIONS="${LSAN_OPTIONS:-}" CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret \
  "$dispatch" --api-url "$url" --auth-url "$url/realms/catena"
EOF
chmod +x "$work/console.sh"
tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 "sleep 0.5; $work/console.sh; echo EXIT=\$?; sleep 60"
tmux -L "$sock" pipe-pane -o -t t "cat >> $work/raw.log"
wait_for "Acme Freight" || fail "connections did not load"
pid=$(cat "$work/console.pid")
[ -d "/proc/$pid" ] || fail "no console process $pid"

oversized="the API sent an oversized answer (more than 32 MB)"
keys 3
wait_for "Could not load vehicles: $oversized" || fail "the vehicles' 5 GB body is not reported"
keys 4
wait_for "Could not load trailers: $oversized" || fail "the trailers' gzip bomb is not reported"
keys 5
wait_for "Could not load DVIR logs: the API sent " || fail "the DVIR logs' empty pages are not reported"
keys 6
wait_for "Could not load fuel transactions: the API sent " || fail "the fuel transactions' cursor loop is not reported"
keys 7
wait_for "Could not load group messages: $oversized" || fail "the group messages' endless chunked body is not reported"
screen | grep -q "OFFLINE" && fail "a hostile answer marked the console OFFLINE"

# Still answering: another tab, the help, a message sent.
keys 2
wait_for "José Muñoz" || fail "the drivers did not load"
keys '?'
wait_for "Keys (Esc/q/? closes" || fail "the help did not open"
keys Escape
wait_for "José Muñoz" || fail "the help did not close"
keys m
wait_for "0 characters" || fail "the composer did not open"
keys -l "Gate 4 is closed, use gate 6"
wait_for "28 characters" || fail "the text was not typed"
keys C-x
wait_for "sent, operation" || fail "the message was not sent"

# A tiny terminal: the failed list still says why.
keys 3
tmux -L "$sock" resize-window -t t -x 40 -y 12
wait_for "Could not load vehicles" || fail "at 40x12 the vehicles' failure is not shown"
keys r
wait_for "oversized answer" || fail "at 40x12 r does not say why again"
tmux -L "$sock" resize-window -t t -x 100 -y 30
wait_for "Could not load vehicles: $oversized" || fail "back at 100x30 the vehicles' failure is not shown"

# The peak memory, with every hostile answer received at least once.
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
[ -n "$hwm" ] || fail "no VmHWM for process $pid"
if [ $asan = 1 ]; then
  echo "peak memory under AddressSanitizer: ${hwm} kB (the bound of ${hwm_max_kb} kB is checked in the plain build)"
else
  [ "$hwm" -lt "$hwm_max_kb" ] || fail "peak memory ${hwm} kB is over ${hwm_max_kb} kB"
fi

# The faults gone, r loads the vehicles (and their hostile names) again.
emu DELETE faults >/dev/null || fail "could not remove the faults"
keys r
wait_for "8 vehicles" || fail "the vehicles did not load once the faults were gone"
wait_for "pwned" || fail "the hostile vehicle name is not listed"

# A token that would inject a header: a 401 makes the console fetch a new one, which is refused,
# and no request carries it.
emu POST faults '{"route":"/realms/catena/protocol/openid-connect/token","kind":"crlf_token"}' >/dev/null ||
  fail "could not add the crlf_token fault"
emu POST faults '{"route":"/v2/telematics/vehicles","kind":"status","status":401,"count":1}' >/dev/null ||
  fail "could not add the 401 fault"
emu DELETE requests >/dev/null
keys r
wait_for "not a single printable line: refused" || fail "the token with CR-LF is not refused with its reason"
# The request log in order, one "METHOD PATH STATUS" line a request: the 401, then the token
# POSTs; no API request may follow the first token POST (each would carry a refused token).
emu GET requests | grep -o '"method":"[A-Z]*","path":"[^"]*"[^}]*"status":[0-9]*' |
  sed 's/^"method":"\([A-Z]*\)","path":"\([^"]*\)".*"status":\([0-9]*\)$/\1 \2 \3/' >"$work/requests"
grep -q '^GET /v2/telematics/vehicles 401$' "$work/requests" || fail "the 401 did not happen: $(cat "$work/requests")"
grep -q '^POST /realms/' "$work/requests" || fail "no new token was asked for: $(cat "$work/requests")"
sed -n '\|^POST /realms/|,$p' "$work/requests" | grep -q ' /v2/' &&
  fail "an API request went out after the token was refused: $(cat "$work/requests")"
emu DELETE faults >/dev/null

# q with an operation pending asks; the second q quits with exit 0 and the process is gone.
keys q
wait_for "still pending" || fail "q with an operation pending did not ask"
wait_for "q or Ctrl-C again quits" || fail "q did not say how to quit"
screen | grep -q "EXIT=" && fail "the first q quit"
[ -d "/proc/$pid" ] || fail "the console is gone after the first q"
keys q
wait_for "EXIT=0" || fail "the second q did not quit with exit 0"
for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
[ -d "/proc/$pid" ] && fail "the console process $pid is still there"

# The raw bytes the console wrote.
sleep 0.3 # pipe-pane's cat writes what is left
grep -q 'pwned' "$work/raw.log" || fail "the raw capture does not work (no 'pwned' text at all)"
grep -q $'\x1b\\]' "$work/raw.log" && fail "an OSC sequence (ESC ]) reached the terminal"
LC_ALL=C grep -qP '\xc2[\x80-\x9f]' "$work/raw.log" && fail "a C1 control reached the terminal"
grep -q 'X-Injected' "$work/raw.log" && fail "the injected header text reached the terminal"
grep -q 'Eve' "$work/raw.log" || fail "the sender named Eve CR-LF TAB ESC[2J was never drawn"
grep -q $'Eve\r' "$work/raw.log" && fail "the raw CR-LF of the sender's name reached the terminal"
grep -q $'\x1b\\[31mRED' "$work/raw.log" && fail "the colour payload reached the terminal"
grep -q $'\x1b\\[2J\x1b\\[H\x07' "$work/raw.log" && fail "the clear-screen payload reached the terminal"
echo "ok: every hostile answer reported, console responsive, peak memory ${hwm} kB, exit 0, no payload in the raw bytes"
echo "1 passed, 0 failed"
