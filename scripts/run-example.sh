#!/bin/sh
# Installs what AURA needs, builds it, makes an example speech recording and
# analyses it with `aura analyze`. The first command of README.md.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/make-example.sh build/example/talk.wav
build/tools/aura analyze build/example/talk.wav
