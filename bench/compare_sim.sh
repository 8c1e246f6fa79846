#!/bin/sh
# Simulation speed of two or more builds of the tile, measured in one run:
# bench_link's idle-read figure (simulated cycles per wall second), the runs
# interleaved, best of N per build (the machine may be shared).
# usage: bench/compare_sim.sh MESH N DIR...   (each DIR holds libwlsim_<MESH>.so)
mesh=$1; n=$2; shift 2
bin=${BENCH_LINK:-build/bench/bench_link}
for d in "$@"; do echo 0 > "/tmp/compare_sim.$$.$(echo "$d" | tr / _)"; done
i=0
while [ $i -lt "$n" ]; do
    for d in "$@"; do
        f="/tmp/compare_sim.$$.$(echo "$d" | tr / _)"
        v=$(WL_SIM_DIR="$(cd "$d" && pwd)" "$bin" "$mesh" |
            sed -n 's/.*"sim_cycles_per_wall_second": \([0-9]*\).*/\1/p')
        [ -n "$v" ] || { echo "compare_sim: $d failed" >&2; exit 1; }
        [ "$v" -gt "$(cat "$f")" ] && echo "$v" > "$f"
    done
    i=$((i + 1))
done
first=
for d in "$@"; do
    f="/tmp/compare_sim.$$.$(echo "$d" | tr / _)"
    v=$(cat "$f"); rm -f "$f"
    [ -n "$first" ] || first=$v
    echo "$d $mesh best of $n: $v cycles/s ($(echo "scale=2; $v / $first" | bc)x the first)"
done
