#!/usr/bin/env bash
# Quick start 1: install, build, and run a live session against the built-in virtual board.
# Extra arguments go to `fpt demo` (see `build/host/app/fpt demo --help`). Ctrl-C ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
./tools/build.sh
exec build/host/app/fpt demo "$@"
