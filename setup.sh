#!/usr/bin/env bash
# catena-dispatch set-up: installs missing Debian packages, configures, builds, then
#   ./setup.sh demo   opens the console on the built-in emulator
#   ./setup.sh test   runs every test (ctest); exits 0 only if all pass
# Extra arguments after `demo` go to catena-dispatch. BUILD_DIR (default ./build) and
# CATENA_SANITIZE=1 (ASan+UBSan build) can be set in the environment.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-}
case "$mode" in
  demo|test|build) shift ;;
  *) echo "usage: $0 demo|test|build [args...]" >&2; exit 2 ;;
esac

packages=(build-essential cmake pkg-config libncurses-dev ncurses-base libcurl4-openssl-dev
          libcjson-dev check libmicrohttpd-dev zlib1g-dev tmux curl valgrind procps python3 python3-yaml
          groff-base man-db)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The contract test validates the emulator's answers with an OpenAPI validator from npm.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ] && [ ! -d tests/contract/node_modules/ajv ]; then
  npm ci --prefix tests/contract --no-audit --no-fund --loglevel=error >/dev/null
fi

build=${BUILD_DIR:-build}
san=OFF
[ "${CATENA_SANITIZE:-0}" = 1 ] && san=ON
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCATENA_SANITIZE=$san >/dev/null
cmake --build "$build" -j"$(nproc)"

case "$mode" in
  demo) exec "$build/catena-dispatch" --demo "$@" ;;
  test) cd "$build" && exec ctest --output-on-failure -j2 "$@" ;;
  build) ;;
esac
