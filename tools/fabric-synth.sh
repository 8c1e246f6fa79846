#!/usr/bin/env bash
# Synthesizes wl_router for iCE40 with Yosys and writes OUTDIR/router.json with the
# cell counts. Fails on any latch and on multiple or conflicting drivers.
set -euo pipefail
outdir=$1; shift
mkdir -p "$outdir"
log=$outdir/yosys.log
# -e turns matching warnings into errors; the select asserts catch latches that
# proc would otherwise build silently.
if ! yosys -q -l "$log" -w 'Replacing memory .* with list of registers' -e '[Ll]atch|[Mm]ultiple driver|[Cc]onflict|[Dd]river-driver' -p "
  read_verilog -sv $*;
  hierarchy -check -top wl_router;
  proc;
  select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$sr;
  synth_ice40 -top wl_router;
  check -assert;
  tee -o $outdir/stat.txt stat" >/dev/null; then
  echo "fabric-synth: yosys failed; see $log" >&2
  grep -iE 'error|latch|driver|conflict' "$log" | head -20 >&2 || true
  exit 1
fi
cell() { awk -v c="$1" '$1 == c { n += $2 } END { print n + 0 }' "$outdir/stat.txt"; }
luts=$(cell SB_LUT4)
ffs=0
for f in SB_DFF SB_DFFE SB_DFFR SB_DFFER SB_DFFS SB_DFFES SB_DFFSR SB_DFFESR SB_DFFSS SB_DFFESS; do
  ffs=$((ffs + $(cell $f)))
done
carry=$(cell SB_CARRY)
printf '{"target": "ice40 (yosys synth_ice40)", "module": "wl_router", "lut4": %s, "ff": %s, "carry": %s, "latches": 0, "multiple_drivers": 0}\n' \
  "$luts" "$ffs" "$carry" > "$outdir/router.json"
cat "$outdir/router.json"
