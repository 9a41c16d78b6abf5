#!/usr/bin/env bash
# Installs what fpt needs to build and test, from Debian 12's packages. Idempotent: it asks apt
# only for packages that are missing. Runs as root, or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git   # toolchain
  libeigen3-dev                            # fixed-size linear algebra (filter design, IMU)
  libboost-dev                             # Boost.Asio: serial ports, timers, signals
  libserialport-dev                        # serial port discovery and USB identity
  libspdlog-dev libfmt-dev                 # logging and formatting
  libcli11-dev                             # command-line parsing
  nlohmann-json3-dev                       # JSON (ground truth, events, profiles)
  libsqlite3-dev                           # session store
  libespeak-ng-dev                         # spoken cues ("restart, back first")
  libasound2-dev                           # ALSA: cue sounds on the sound card
  libsndfile1-dev                          # WAV cue track when there is no sound card
  python3-jsonschema                       # tests: event stream against its JSON Schema
  python3-mne biosig-tools                 # tests: recordings read back by two independent readers
  chromium python3-pil                     # tests: the HTML report rendered headless to PNG
  gcc-avr binutils-avr avr-libc            # the AVR firmware (ATmega328P)
  libsimavr-dev libelf-dev                 # firmware in the loop: the AVR simulator
  libgtest-dev libgmock-dev libbenchmark-dev   # tests and benchmarks
  clang-format                             # formatting check
  coreutils procps                         # timeout, kill for CLI tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
