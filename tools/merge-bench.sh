#!/usr/bin/env bash
# Joins per-section JSON files (build/bench/<section>.json) into one object:
# {"<section>": <contents>, ...}.
set -euo pipefail
out=$1; shift
{
  printf '{'
  sep=''
  for f in "$@"; do
    name=$(basename "$f" .json)
    printf '%s\n "%s": ' "$sep" "$name"
    cat "$f"
    sep=','
  done
  printf '\n}\n'
} > "$out.tmp"
mv "$out.tmp" "$out"
