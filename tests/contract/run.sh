#!/bin/sh
# Contract test: every response catena-emulator sends is checked against openapi.yaml.
# Usage: run.sh EMULATOR_BINARY [RECORD_DIR]
#   Drives its own scenario against a fresh emulator, and also checks the responses the emulator
#   recorded while the tests/emulator suites ran (RECORD_DIR, filled via CATENA_EMU_RECORD_DIR);
#   the recorded files are removed afterwards.
# Needs node (>= 18) and the packages of package.json: npm ci --prefix tests/contract
set -eu
here=$(cd "$(dirname "$0")" && pwd)
emulator=${1:?usage: run.sh EMULATOR_BINARY [RECORD_DIR]}
record_dir=${2:-}
spec=${CATENA_API_SPEC:-$here/../../contract/openapi.yaml}
if ! command -v node >/dev/null 2>&1; then
    echo "contract test: node is not installed (apt-get install nodejs npm)" >&2
    exit 1
fi
if [ ! -d "$here/node_modules/ajv" ] || [ ! -d "$here/node_modules/js-yaml" ]; then
    echo "contract test: run 'npm ci --prefix tests/contract' first" >&2
    exit 1
fi
if [ ! -f "$spec" ]; then
    echo "contract test: openapi.yaml not found at $spec (set CATENA_API_SPEC)" >&2
    exit 1
fi
set -- --spec "$spec" --emulator "$emulator"
if [ -n "$record_dir" ] && [ -d "$record_dir" ]; then
    set -- "$@" --dir "$record_dir"
fi
status=0
node "$here/validate_responses.mjs" "$@" || status=$?
if [ -n "$record_dir" ] && [ -d "$record_dir" ]; then
    rm -f "$record_dir"/responses-*.jsonl
fi
exit $status
