#!/usr/bin/env bash
# Runs each test executable in turn, keeps going after a failure, and prints one
# closing line: "N passed, N failed" counted over test programs.
set -u
pass=0; fail=0; failed=()
for t in "$@"; do
  echo "=== $t"
  if "$t"; then pass=$((pass+1)); else fail=$((fail+1)); failed+=("$t"); fi
done
[ $fail -gt 0 ] && echo "failed: ${failed[*]}"
echo "tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
