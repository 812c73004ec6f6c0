#!/bin/bash
# Runs every bundled scenario (scenarios/, data/, the war fixture) with every model and seeds 0 and 7
# into OUTDIR as JSON; run before and after a numerics change and `diff -r` the two directories.
# usage: runall.sh OUTDIR  -- runs every bundled scenario with every model
cd "$(git rev-parse --show-toplevel)"
out=$1; mkdir -p $out
files="scenarios/*.toml data/bdm/*.csv data/deu/*.tsv data/ktab/*.csv crates/detente-core/tests/data/war/*.toml"
for f in $files; do
  for m in compromise median nash war exchange eum smp; do
    for seed in 0 7; do
      n=$(echo $f | tr / _)_${m}_$seed
      timeout 300 target/debug/detente run $f --model $m --seed $seed --format json > $out/$n.json 2> $out/$n.err
      echo $? >> $out/$n.err
    done
  done
done
