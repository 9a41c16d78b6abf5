#!/usr/bin/env bash
# Quick start 2: installs, builds and runs the whole test suite. CI runs exactly this, on a
# clean 2-core machine with a budget of 30 minutes, so every phase prints its time:
#   1. one AddressSanitizer+UndefinedBehaviorSanitizer build of everything (benchmarks and tools
#      included, so they are compiled once) that runs every test;
#   2. a ThreadSanitizer build of only what the tests labelled `concurrency` need (rings, the
#      board link, async writers, audio threads, the whole program's threads over a pty), which
#      runs those tests;
#   3. the fuzz targets for a fixed time each (tools/fuzz.sh), when present;
#   4. the Debian package built, installed and run (tools/package_check.sh), when present.
# Sanitizer builds use -O1 -g1 (ASan's advice; a third of -O2 -g's compile time) with
# assertions on.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
t_start=$(date +%s)
timings=()
report() {
  echo "== phase times =="
  for t in "${timings[@]}"; do echo "  $t"; done
  echo "  total: $(($(date +%s) - t_start)) s"
}
trap report EXIT

phase() {  # name, command...
  local name=$1
  shift
  echo "== $name =="
  local t0
  t0=$(date +%s)
  "$@"
  local dt=$(($(date +%s) - t0))
  timings+=("$(printf '%-52s %5d s' "$name" "$dt")")
  echo "== $name: $dt s =="
}

configure() {  # build dir, extra cmake args...
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFPT_WERROR=ON \
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
    "$@" >/dev/null
}

# The tests of one label set, the long integration tests first (COST), several at once: most
# of them wait on a virtual board's real-time pace, not on the CPU.
run_tests() {  # build dir, ctest args...
  local dir=$1
  shift
  (cd "$dir" && "${tsan_prefix[@]}" ctest --output-on-failure -j "$((jobs * 2))" "$@")
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
tsan_prefix=()

phase "setup (Debian packages)" ./tools/setup.sh

phase "configure asan+ubsan" configure build-asan -DFPT_SANITIZE=address,undefined \
  -DFPT_BUILD_BENCHMARKS=ON
phase "build asan+ubsan (everything)" cmake --build build-asan -j "$jobs"
phase "test: every test under asan+ubsan" run_tests build-asan

# ThreadSanitizer needs the legacy address-space layout on kernels with high ASLR entropy.
if setarch "$(uname -m)" -R true 2>/dev/null; then tsan_prefix=(setarch "$(uname -m)" -R); fi
phase "configure tsan" configure build-tsan -DFPT_SANITIZE=thread -DFPT_BUILD_BENCHMARKS=OFF
# Only the test programs with tests labelled `concurrency` (and what they depend on: app_tests
# brings fpt and fpt-sim).
mapfile -t tsan_targets < <(cd build-asan && ctest --show-only=json-v1 -L concurrency |
  python3 -c 'import json,sys,os; print("\n".join(sorted({os.path.basename(t["command"][0]) for t in json.load(sys.stdin)["tests"]})))')
echo "test programs with concurrency tests: ${tsan_targets[*]}"
phase "build tsan (concurrency tests only)" cmake --build build-tsan -j "$jobs" --target \
  "${tsan_targets[@]}"
phase "test: label concurrency under tsan" run_tests build-tsan -L concurrency
tsan_prefix=()

if [ -x tools/fuzz.sh ]; then
  phase "fuzz: every target, fixed time" ./tools/fuzz.sh --ci 30
fi
if [ -x tools/package_check.sh ]; then
  phase "package: build, install and run the .deb" ./tools/package_check.sh
fi
