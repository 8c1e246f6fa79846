#!/usr/bin/env bash
# bench.json section "decode": greedy decode from BOS on simulated tiles, one entry per
# device, each the JSON of `waferlet bench` (cycles/token, TTFT, MAC utilization, the
# root PE's cycle profile). Uses the shared 264K checkpoint when ../shared is present,
# else the shipped model.
# usage: bench-decode.sh WAFERLET OUT STEPS DEVICE...
set -euo pipefail
exe=$1 out=$2 steps=$3; shift 3
model="${WL_SHARED:-../shared}/models/llama2c-264k.bin"
[ -f "$model" ] || model="$(dirname "$exe")/models/waferlet-default.bin"
{
  printf '{"model": "%s", "steps": %s, "runs": [' "$(basename "$model")" "$steps"
  sep=''
  for dev in "$@"; do
    printf '%s\n  ' "$sep"
    "$exe" bench -d "$dev" -m "$model" -n "$steps" --json
    sep=','
  done
  printf ']}\n'
} > "$out.tmp"
mv "$out.tmp" "$out"
