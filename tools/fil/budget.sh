#!/usr/bin/env bash
# The firmware's budget per configuration, measured in the simulator: for each EMG rate and
# UART speed, fpt-fil runs the AVR image (real time) while `fpt monitor` streams from it, and
# the table shows the CPU load (idle-cycle counting), the UART usage and what was lost.
#   tools/fil/budget.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build=${1:-build}
seconds=${2:-20}
fil=$build/tools/fil/fpt-fil
fpt=$build/host/app/fpt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The 1 Mbaud image is built on the side from the same sources.
cmake -S firmware/avr -B "$work/avr-1m" -DCMAKE_TOOLCHAIN_FILE="$PWD/firmware/avr/avr-gcc.cmake" \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DFPT_AVR_BAUD=1000000 >/dev/null
cmake --build "$work/avr-1m" >/dev/null

printf '%-10s %-8s %-10s %-22s %-26s\n' "EMG rate" "baud" "CPU load" "UART" "host: lost / CRC errors"
for cfg in "500 500000 $build/firmware-avr" "1000 500000 $build/firmware-avr" \
           "2000 500000 $build/firmware-avr" "1000 1000000 $work/avr-1m" \
           "2000 1000000 $work/avr-1m"; do
  set -- $cfg
  "$fil" --firmware "$3/fpt-firmware.elf" --link "$work/port" --baud "$2" --rate "$1" \
    --script correct --loop --artifacts all >"$work/fil.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -e "$work/port" ] && break; sleep 0.05; done
  "$fpt" --data-dir "$work/data" monitor -p "$work/port" --rate "$1" --duration "$seconds" \
    >"$work/mon.log" 2>&1 || true
  sleep 0.5
  kill -TERM $pid && wait $pid || true
  line=$(grep 'streaming' "$work/fil.log" || echo "?")
  load=$(sed -E 's/.*CPU load ([0-9.]+) %.*/\1 %/' <<<"$line")
  uart=$(sed -E 's/.*UART ([0-9]+) bytes\/s = ([0-9.]+) %.*/\1 B\/s = \2 %/' <<<"$line")
  host=$(grep "^summary" "$work/mon.log" || echo "?")
  lost=$(sed -E 's/.*EMG samples lost ([0-9]+).*/\1/' <<<"$host")
  crc=$(sed -E 's/.*CRC errors ([0-9]+).*/\1/' <<<"$host")
  printf '%-10s %-8s %-10s %-22s %-26s\n' "$1 Hz" "$2" "$load" "$uart" "$lost samples / $crc"
  rm -f "$work/port"
done
