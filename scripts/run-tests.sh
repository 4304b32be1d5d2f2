#!/bin/sh
# Installs what AURA needs, builds it and runs the whole test suite: style check,
# DSP tests, element tests, schema validation, loudness conformance and the short
# accuracy evaluation. The second command of README.md; .ci/run calls it.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/check-format.sh
# -v: Check's "Checks: N, Failures: 0" lines and the evaluation tables in the log
meson test -C build -v --num-processes 2
