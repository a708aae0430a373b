#!/usr/bin/env bash
# Quitting while a load is in flight (issue 14.3): for every kind of load (connections, the TSP
# list and capabilities, drivers, vehicles, trailers, a conversation, an operation poll, a write),
# the emulator holds that request (a latency fault) and the console quits with `q` (`:quit` inside
# an overlay) or gets SIGTERM / SIGINT meanwhile. It must exit at once with 0 and, in the
# sanitizer build (which CI runs), without any AddressSanitizer, LeakSanitizer or UBSan report:
# a callback of a cancelled request writing into freed memory, or a request never freed, fails.
#   quit_inflight.sh DISPATCH EMULATOR SANITIZED(ON|OFF)
# Without the sanitizers it checks nothing of memory and skips (exit 77): run it in the
# CATENA_SANITIZE=1 build.
set -euo pipefail
dispatch=$1 emulator=$2 sanitized=${3:-OFF}
case "$sanitized" in ON|1|TRUE|true) ;; *) echo "quit_inflight: needs the sanitizer build (CATENA_SANITIZE=1); skipped"; exit 77 ;; esac
LATENCY_MS=8000
work=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Many workers: each held request keeps one asleep for LATENCY_MS after its console is gone.
"$emulator" --port 0 --seed 7 --threads 64 >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
for _ in $(seq 1 200); do
  grep -q '^listening on ' "$work/emu.out" 2>/dev/null && break
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/emu.out" | head -n1)
[ -n "$url" ] || { echo "emulator did not start:"; cat "$work/emu.err"; exit 1; }

fault() { # ROUTE METHOD: hold every matching request LATENCY_MS
  curl -sf -X DELETE "$url/_emulator/faults" >/dev/null
  [ -z "$1" ] || curl -sf -X POST "$url/_emulator/faults" -H 'Content-Type: application/json' \
    -d "{\"route\":\"$1\",\"method\":\"$2\",\"kind\":\"latency\",\"latency_ms\":$LATENCY_MS}" >/dev/null
}

seen() { # METHOD PATH-PREFIX: how many such requests the emulator answered
  curl -sf "$url/_emulator/requests" | python3 -c '
import json, sys
m, p = sys.argv[1], sys.argv[2]
print(sum(1 for r in json.load(sys.stdin) if r.get("method") == m and r.get("path", "").startswith(p)))' "$1" "$2"
}

failures=0
# run NAME HOW SCRIPT: the console on SCRIPT (a file or a FIFO being written), quitting by HOW
# (q: the script does; TERM/INT: that signal after the script's last :sleep began).
start_console() {
  local name=$1 script=$2
  mkdir -p "$work/$name/home"
  env -i PATH="$PATH" ASAN_OPTIONS="${ASAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    HOME="$work/$name/home" XDG_CONFIG_HOME="$work/$name/home/config" XDG_STATE_HOME="$work/$name/home/state" \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret \
    "$dispatch" --script "$script" --size 100x30 --api-url "$url" --auth-url "$url/realms/catena" \
    >"$work/$name/stdout" 2>"$work/$name/stderr" &
  console_pid=$!
  started=$(date +%s%N)
}

finish_console() {
  local name=$1 how=$2
  if [ "$how" != q ]; then
    sleep 1.5
    kill -"$how" "$console_pid" 2>/dev/null || true
    if [ "$how" = INT ]; then # Ctrl-C asks first when work is pending; the second quits (issue 12)
      sleep 0.3
      kill -INT "$console_pid" 2>/dev/null || true
    fi
  fi
  local rc=0
  wait "$console_pid" || rc=$?
  local ms=$(( ($(date +%s%N) - started) / 1000000 ))
  local bad=""
  [ $rc -eq 0 ] || bad="exit $rc"
  [ $ms -lt $((LATENCY_MS - 2000)) ] || bad="$bad; took $ms ms (waited for the held request?)"
  if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error|ERROR: ' "$work/$name/stderr"; then
    bad="$bad; sanitizer report"
  fi
  if [ -n "$bad" ]; then
    echo "FAIL $name: $bad"; cat "$work/$name/stderr"; failures=$((failures + 1))
  else
    echo "ok   $name ($ms ms)"
  fi
}

# name | route held | method | keys before quitting (";" between lines) | quit keys (q in a list,
# twice: with work pending the first q says what happens to it and the second quits (issue 12);
# :quit in an overlay, where q is text or closes the overlay). The inbox polls GET messages too,
# so the conversation case waits by :sleep, not :wait-idle (which would wait for the held poll).
cases=(
  "connections|/v2/integrations/connections|GET||q;q"
  "tsps|/v2/integrations/tsps|GET|:sleep 300ms|q;q"
  "drivers|/v2/telematics/users|GET|:sleep 500ms;2|q;q"
  "vehicles|/v2/telematics/vehicles|GET|:sleep 500ms;3|q;q"
  "trailers|/v2/telematics/trailers|GET|:sleep 500ms;4|q;q"
  "conversation|/v2/telematics/messages|GET|:sleep 800ms;2;:sleep 800ms;<Enter>|:quit"
  "write|/v2/telematics/messages|POST|:wait-idle;2;:wait-idle;m;Held by the quit test;<C-x>|:quit"
)
for how in q TERM INT; do
  for c in "${cases[@]}"; do
    IFS='|' read -r name route method keys quit <<<"$c"
    keys=${keys//;/$'\n'}
    quit=${quit//;/$'\n'}
    fault "$route" "$method"
    script="$work/$name-$how.script"
    if [ "$how" = q ]; then
      # (a quit key that did not quit would wait the last 20 s: too slow, a failure)
      printf '%s\n:sleep 800ms\n%s\n:sleep 20s\n' "$keys" "$quit" >"$script"
    else
      printf '%s\n:sleep 30s\n' "$keys" >"$script"
    fi
    start_console "$name-$how" "$script"
    finish_console "$name-$how" "$how"
  done

  # An operation poll: the message is sent unheld, then the polls of operations are held.
  fault "" ""
  sent_before=$(seen POST /v2/telematics/messages)
  fifo="$work/poll-$how.fifo"
  mkfifo "$fifo"
  start_console "poll-$how" "$fifo"
  exec 3>"$fifo"
  printf ':wait-idle\n2\n:wait-idle\nm\nPolled by the quit test\n<C-x>\n:wait-idle\n' >&3
  for _ in $(seq 1 200); do
    [ "$(seen POST /v2/telematics/messages)" -gt "$sent_before" ] && break
    sleep 0.05
  done
  fault /v2/integrations/connections GET
  if [ "$how" = q ]; then
    printf ':advance 3s\n:sleep 800ms\nq\nq\n:sleep 20s\n' >&3
  else
    printf ':advance 3s\n:sleep 30s\n' >&3
  fi
  exec 3>&-
  finish_console "poll-$how" "$how"
done

fault "" ""
# Every held request did reach the emulator while its console quit (it answers them, late).
sleep $((LATENCY_MS / 1000 + 1))
for c in "${cases[@]}"; do
  IFS='|' read -r name route method _ <<<"$c"
  n=$(seen "$method" "$route")
  [ "$n" -ge 3 ] || { echo "FAIL $name: $method $route was requested $n times, not once per way of quitting"; failures=$((failures + 1)); }
done
[ $failures -eq 0 ] || { echo "$failures case(s) failed"; exit 1; }
echo "every quit during an in-flight load was clean"
