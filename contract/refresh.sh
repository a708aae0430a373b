#!/bin/sh
# Refreshes the vendored contract from a newer openapi.yaml and regenerates the enum tables.
# Usage: contract/refresh.sh PATH_TO_OPENAPI_YAML   (the project's shared copy: see contract/README.md)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: contract/refresh.sh PATH_TO_OPENAPI_YAML}
cp "$src" "$here/openapi.yaml"
python3 "$here/gen_enums.py" "$here/openapi.yaml" "$here/.."
echo "contract refreshed from $src; review 'git diff contract src/core/api_enums.c src/emulator/emu_enums.c'"
