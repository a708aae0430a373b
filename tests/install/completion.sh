#!/usr/bin/env bash
# The bash completion completes subcommands, config's subcommands, options of a subcommand and
# theme names from the program's own --help and themes. Usage: completion.sh SOURCE_DIR BIN_DIR
set -euo pipefail
src=$1 bindir=$2
PATH="$bindir:$PATH"
# shellcheck source=/dev/null
source "$src/completion/catena-dispatch.bash"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _catena_dispatch; echo "${COMPREPLY[*]}"; }
expect() { # WANT WORDS...
  local want=$1; shift
  local got; got=$(complete_words "$@")
  [ "$got" = "$want" ] || { echo "completion: '$*' gave '$got', want '$want'" >&2; exit 1; }
}
expect "send-message send-group-message" catena-dispatch send-
expect "config" catena-dispatch conf
expect "init" catena-dispatch config in
expect "--priority --profile" catena-dispatch send-message --pr
expect "--force" catena-dispatch config init --fo
expect "low medium high" catena-dispatch send-message --priority ""
expect "--log" catena-dispatch --lo
echo "completion: ok"
