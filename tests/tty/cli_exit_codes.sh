#!/usr/bin/env bash
# Issue 12 bugs 4, 5 and 8, on the command line: a mistyped subcommand says "unknown subcommand"
# and suggests the closest; create-* with no --set is refused as the console refuses an empty
# form; permanent refusals (403 read-only share, 501 not supported, 404) exit 5, apart from what a
# retry may fix (4); `operation --wait` on a failure says why its last attempt failed.
set -uo pipefail
dispatch=$1 emulator=$2
work=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fails=0
check() { # NAME WANT_RC PATTERN -- ARGS...: runs the console, checks its exit code and stderr
  local name=$1 want=$2 pat=$3; shift 4
  "$dispatch" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" != "$want" ] || ! grep -qF -- "$pat" "$work/err"; then
    echo "FAIL $name: exit $rc (want $want), stderr (want '$pat'):"; cat "$work/err"; fails=$((fails + 1))
  else
    echo "ok $name"
  fi
}

"$emulator" --port 0 --seed 7 --time-scale 0.001 --connections 6 --vehicles 12 --users 36 --trailers 6 \
  >"$work/emu.out" 2>/dev/null &
emu_pid=$!
for _ in $(seq 1 100); do grep -q '^listening on ' "$work/emu.out" && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$work/emu.out")
[ -n "$url" ] || { echo "emulator did not start"; exit 1; }
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state LANG=C.UTF-8
export CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret CATENA_API_URL=$url CATENA_AUTH_URL=$url/realms/catena

# Bug 4: typos.
check connection 2 "unknown subcommand 'connection'; did you mean 'connections'?" -- connection
check frobnicate 2 "unknown subcommand 'frobnicate'" -- frobnicate
grep -q "did you mean" "$work/err" && { echo "FAIL frobnicate: suggested something far"; fails=$((fails + 1)); }
check operatoin 2 "did you mean 'operation'?" -- operatoin --connection x

conns=$("$dispatch" connections --json)
conn() { sed -n "$1p" <<<"$conns" | sed 's/.*"id":"\([^"]*\)".*/\1/'; }
c1=$(conn 1) c3=$(conn 3) c5=$(conn 5)

# Bug 5: an empty create is refused before anything is sent.
check create_trailer_empty 2 "nothing to create" -- create-trailer --connection "$c1"
check create_trailer_empty_value 2 "nothing to create" -- create-trailer --connection "$c1" --set trailer_name=
"$dispatch" trailers --connection "$c1" --json >"$work/before"

# Bug 8: connection 3's vehicles are read-only (403), geotab (connection 3) has no group messages
# (501): refused for good, exit 5. 503 stays 4.
veh=$("$dispatch" vehicles --connection "$c3" --json | head -n1 | sed 's/.*"id":"\([^"]*\)".*/\1/')
check read_only_403 5 "Forbidden (403)" -- update-vehicle --connection "$c3" "$veh" --set notes=x
users=$("$dispatch" drivers --connection "$c3" --json | sed 's/.*"id":"\([^"]*\)".*/\1/')
u1=$(sed -n 1p <<<"$users") u2=$(sed -n 2p <<<"$users")
check not_supported_501 5 "501" -- send-group-message --connection "$c3" --from "$u1" --to "$u2" --text hi
curl -s -X POST "$url/_emulator/faults" -d '{"route":"/v2/telematics/vehicles","method":"PATCH","kind":"status","status":503,"count":1}' >/dev/null
veh1=$("$dispatch" vehicles --connection "$c1" --json | head -n1 | sed 's/.*"id":"\([^"]*\)".*/\1/')
check server_503 4 "503" -- update-vehicle --connection "$c1" "$veh1" --set notes=x
check op_404 5 "no operation 01991053-6939-7b78-ba95-000000000000 on connection" -- \
  operation --connection "$c1" 01991053-6939-7b78-ba95-000000000000
grep -q "refresh the list" "$work/err" && { echo "FAIL op_404: still says 'refresh the list'"; fails=$((fails + 1)); }

# operation --wait on a failure: the reason of the last attempt.
users1=$("$dispatch" drivers --connection "$c1" --json | sed 's/.*"id":"\([^"]*\)".*/\1/')
d1=$(sed -n 1p <<<"$users1") d2=$(sed -n 2p <<<"$users1")
op=$("$dispatch" send-message --connection "$c1" --from "$d1" --to "$d2" --text "FAIL-PERMANENT dock" |
  sed 's/.*"id":"\([^"]*\)".*/\1/')
check op_wait_failed 1 "failed: " -- operation --connection "$c1" "$op" --wait --timeout 30
grep -q "attempt" "$work/err" || { echo "FAIL op_wait_failed: no attempt named"; cat "$work/err"; fails=$((fails + 1)); }

# help and README name code 5.
"$dispatch" help | grep -q "5 refused for good" || { echo "FAIL help: exit code 5 not documented"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "all passed" || exit 1
