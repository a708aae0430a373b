#!/usr/bin/env bash
# Runs one headless screen test: starts a seeded catena-emulator on a free port, runs
# catena-dispatch --script NAME.script against it in a sealed environment, and compares every
# screen the script saved with tests/screen/expected/NAME/. UPDATE_EXPECTED=1 rewrites them.
# Header lines in the script:  # size: COLSxROWS   # emulator: ARGS   # dispatch: ARGS
set -euo pipefail
dispatch=$1 emulator=$2 script=$3
name=$(basename "$script" .script)
here=$(cd "$(dirname "$script")" && pwd)
expected="$here/expected/$name"
work=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

header() { sed -n "s/^# $1: //p" "$script" | head -n1; }
size=$(header size); size=${size:-80x24}
emu_args=$(header emulator)
dispatch_args=$(header dispatch)
# "# env: NAME=VALUE ..." adds variables to the console's sealed environment; @HERE@ is this folder.
extra_env=$(header env | sed "s|@HERE@|$here|g")

# shellcheck disable=SC2086
"$emulator" --port 0 --seed 7 $emu_args >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
for _ in $(seq 1 200); do
  grep -q '^listening on ' "$work/emu.out" 2>/dev/null && break
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/emu.out" | head -n1)
[ -n "$url" ] || { echo "emulator did not start:"; cat "$work/emu.err"; exit 1; }

mkdir -p "$work/home/config/catena-dispatch" "$work/out"
# "# config: key = value" lines become the console's config file.
sed -n 's/^# config: //p' "$script" >"$work/home/config/catena-dispatch/config"
cp "$script" "$work/out/"
cd "$work/out"
set +e
# shellcheck disable=SC2086
env -i PATH="$PATH" LSAN_OPTIONS="${LSAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_STATE_HOME="$work/home/state" \
  LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC CATENA_CLIENT_ID=demo-client CATENA_CLIENT_SECRET=demo-secret $extra_env \
  "$dispatch" --script "$name.script" --size "$size" --api-url "$url" --auth-url "$url/realms/catena" \
  $dispatch_args >"$work/stdout" 2>"$work/stderr"
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo "script failed (exit $rc):"; cat "$work/stderr"; exit 1
fi
status=0
shopt -s nullglob
outs=(*.txt)
[ ${#outs[@]} -gt 0 ] || { echo "the script saved no screen"; exit 1; }
for f in "${outs[@]}"; do
  # Ephemeral ports are always 5 digits on Linux, so this keeps every column in place.
  # Times of day and operation ids come from the emulator's clock and random ids; same widths
  # keep every column in place.
  sed -E -i -e 's/127\.0\.0\.1:[0-9]{5}/127.0.0.1:PORT_/g' \
    -e 's/\b[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\b/HH:MM:SS/g' \
    -e 's/operation …[0-9a-f]{8}/operation …XXXXXXXX/g' \
    -e 's/^( Operation id  | resource_id   )[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/\1xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/' \
    -e 's/\b20[0-9]{2}-[01][0-9]-[0-3][0-9] HH:MM:SS\b/YYYY-MM-DD HH:MM:SS/g' "$f"
  if [ "${UPDATE_EXPECTED:-0}" = 1 ]; then
    mkdir -p "$expected"; cp "$f" "$expected/$f"; echo "updated $expected/$f"
  elif ! diff -u "$expected/$f" "$f"; then
    echo "screen $f differs from $expected/$f"; status=1
  fi
done
exit $status
