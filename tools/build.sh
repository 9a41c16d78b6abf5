#!/usr/bin/env bash
# Configures and builds fpt into build/ (warnings are errors). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${FPT_BUILD_DIR:-build}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFPT_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
