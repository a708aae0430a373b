#!/bin/sh
# Refreshes the vendored contract from the project's shared copy and regenerates the enum tables.
# Usage: contract/refresh.sh [PATH_TO_OPENAPI_YAML]   (default: ../shared/catena-api/openapi.yaml)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../shared/catena-api/openapi.yaml}
cp "$src" "$here/openapi.yaml"
python3 "$here/gen_enums.py" "$here/openapi.yaml" "$here/.."
echo "contract refreshed from $src; review 'git diff contract src/core/api_enums.c src/emulator/emu_enums.c'"
