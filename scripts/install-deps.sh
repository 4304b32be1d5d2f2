#!/bin/sh
# Install every Debian 12 package AURA needs to build, test and run its examples.
# Idempotent: packages already present are skipped, apt-get runs only when needed.
#   scripts/install-deps.sh          build + run + test packages
set -eu

PACKAGES="
  build-essential pkg-config meson ninja-build git ca-certificates
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libsoup-3.0-dev libjson-glib-dev liborc-0.4-dev libsqlite3-dev libebur128-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-libav
  espeak-ng sox ffmpeg sqlite3 python3 python3-jsonschema python3-numpy
  indent time valgrind praat aubio-tools gstreamer1.0-x
  gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-alsa
  python3-gi python3-gst-1.0 gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  gir1.2-gst-plugins-bad-1.0
  prometheus wrk curl procps bc
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
