#!/bin/sh
# Configures (once) and builds AURA with meson in ./build.
#   scripts/build.sh [MESON_SETUP_OPTIONS...]
set -eu
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build "$@"
fi
meson compile -C build
