#!/bin/sh
# Installs what AURA needs, builds it and runs the whole test suite: style check,
# DSP tests, element tests, schema validation, loudness conformance and the short
# accuracy evaluation; then the C tests under valgrind and everything again with
# ASan/UBSan. The second command of README.md; .ci/run calls it.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/check-format.sh
# -v: Check's "Checks: N, Failures: 0" lines and the evaluation tables in the log
meson test -C build -v --num-processes 2
# a test skips (exit 77) when a tool it needs is missing; install-deps.sh
# installs them all, so in this run a skip is a failure
if grep -q '"result": "SKIP"' build/meson-logs/testlog.json; then
  echo "run-tests: skipped tests (a tool is missing):" >&2
  grep '"result": "SKIP"' build/meson-logs/testlog.json | grep -o '"name": "[^"]*"' >&2
  exit 1
fi

# The C tests again under valgrind (memory errors, definite leaks)...
meson test -C build --setup valgrind --num-processes 2 --print-errorlogs \
  --suite dsp --suite check
# ...and everything with AddressSanitizer and UndefinedBehaviorSanitizer.
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
fi
meson compile -C build-asan
meson test -C build-asan --num-processes 2 --print-errorlogs
