#!/usr/bin/env bash
# bench.json section "decode": greedy decode on simulated tiles, each entry the JSON of
# `waferlet bench` (cycles per position, TTFT, MAC utilization, the root PE's cycle
# profile, the analytic model's figure). "runs": STEPS positions from BOS on every
# DEVICE; "prompt_runs": a 32-id prompt (the first 32 ids of the shared sequence, BOS
# first; else BOS and 300..330) and one generated token on each of PROMPT_DEVICES, for
# TTFT. With LONG_STEPS set (make bench BENCH_DECODE_LONG=256), "long_runs" adds
# LONG_STEPS positions on each of LONG_DEVICES from a 2-id prompt (BOS and the shared
# sequence's first id: greedy from BOS alone ends in BOS after 10 tokens with the 264K
# checkpoint). "projection": `waferlet project` over positions 0-255 for 2x2 (256 KiB) up
# to 62x62, the analytic model on meshes that are not built (docs/PERFORMANCE.md).
# Uses the shared 264K checkpoint when ../shared is present, else the shipped model.
# usage: [PROMPT_DEVICES="D..."] [LONG_STEPS=N LONG_DEVICES="D..."] \
#        bench-decode.sh WAFERLET OUT STEPS DEVICE...
set -euo pipefail
exe=$1 out=$2 steps=$3; shift 3
prompt_devs=${PROMPT_DEVICES:-sim:4x4}
long_devs=${LONG_DEVICES:-sim:4x4}
shared="${WL_SHARED:-../shared}"
model="$shared/models/llama2c-264k.bin"
[ -f "$model" ] || model="$(dirname "$exe")/models/waferlet-default.bin"
seq_json="$shared/reference/llama2c-264k.eval.json"
prompt="1,$(seq -s, 300 330)"
if [ -f "$model" ] && [ -f "$seq_json" ] && [ "$(basename "$model")" = llama2c-264k.bin ]; then
  ids=$(tr -d ' \n' < "$seq_json" | sed -n 's/.*"sequence":\[\([0-9,]*\)\].*/\1/p')
  [ -n "$ids" ] && prompt="$(echo "$ids" | cut -d, -f1-32)"
fi
# Prints "NAME": [...] with one `waferlet bench` JSON per device in DEVICES.
# usage: bench_list NAME "DEVICES" BENCH-ARGS...
bench_list() {
  local name=$1 devs=$2 sep='' dev
  shift 2
  printf '"%s": [' "$name"
  for dev in $devs; do
    printf '%s\n  ' "$sep"
    "$exe" bench -d "$dev" -m "$model" "$@" --json
    sep=','
  done
  printf ']'
}
{
  printf '{"model": "%s", "steps": %s,\n ' "$(basename "$model")" "$steps"
  bench_list runs "$*" -n "$steps"
  printf ',\n '
  bench_list prompt_runs "$prompt_devs" -n 32 --prompt-ids "$prompt"
  if [ -n "${LONG_STEPS:-}" ]; then
    printf ',\n '
    bench_list long_runs "$long_devs" -n "$LONG_STEPS" \
      --prompt-ids "$(echo "$prompt" | cut -d, -f1-2)"
  fi
  printf ',\n "projection": '
  "$exe" project -m "$model" -n 256 --json
  printf '}\n'
} > "$out.tmp"
mv "$out.tmp" "$out"
