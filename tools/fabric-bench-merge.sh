#!/usr/bin/env bash
# Joins the fabric bench parts into build/bench/fabric.json:
# {"mesh_8x8": ..., "mesh_16x16": ..., "router_synth": ...}.
set -euo pipefail
out=$1 b8=$2 b16=$3 syn=$4
{
  printf '{\n"mesh_8x8": '; cat "$b8"
  printf ',\n"mesh_16x16": '; cat "$b16"
  printf ',\n"router_synth": '; cat "$syn"
  printf '}\n'
} > "$out.tmp"
mv "$out.tmp" "$out"
