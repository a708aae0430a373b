#!/usr/bin/env bash
# Runs the fuzz harnesses of tests/fuzz under clang's libFuzzer with ASan + UBSan, for longer
# than ctest's brief corpus runs:
#   tests/fuzz/run-long.sh [SECONDS_PER_HARNESS [HARNESS...]]   (default 60 s each, all of them)
# Builds into $BUILD_DIR (default build-fuzz) with CC=clang -DCATENA_FUZZ=ON. Each harness starts
# from a copy of its seed corpus (tests/fuzz/corpus/NAME) in $BUILD_DIR/fuzz-work/NAME, where the
# inputs libFuzzer found interesting stay; a crash leaves crash-* / timeout-* / oom-* files there.
# Fix what it finds and add the input as a regression file to tests/fuzz/corpus/NAME.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift || true
build=${BUILD_DIR:-build-fuzz}
CC=${CC:-clang} cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCATENA_FUZZ=ON >/dev/null
if [ $# -eq 0 ]; then
  set -- $(for f in tests/fuzz/fuzz_*.c; do n=$(basename "$f" .c); [ "$n" = fuzz_util ] || echo "${n#fuzz_}"; done)
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LC_ALL=C.UTF-8
failed=()
for name in "$@"; do
  cmake --build "$build" --target "fuzz_$name" -j"${JOBS:-1}" >/dev/null
  work=$build/fuzz-work/$name
  mkdir -p "$work/corpus"
  cp -n tests/fuzz/corpus/"$name"/* "$work/corpus/" 2>/dev/null || true
  echo "fuzz_$name: $secs s" >&2
  bin=$(cd "$build" && pwd)/fuzz_$name
  if ! (cd "$work" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 corpus >fuzz.log 2>&1); then
    failed+=("$name")
    tail -40 "$work/fuzz.log" >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run-long: failures in: ${failed[*]} (inputs in $build/fuzz-work/NAME/)" >&2
  exit 1
fi
echo "run-long: no failure in $# harnesses" >&2
