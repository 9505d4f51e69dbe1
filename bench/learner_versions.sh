#!/bin/bash
# Step time of an older learner (0.1.0: build commit c466ae1 and its
# `make bench/gfbench`) against this tree's, same configuration and fixed dt,
# 1 thread, OpenBLAS 1 thread; min over 5 alternating rounds of "run K"; the new
# tree with truncation off (issue 16), so only issue 11 changes the step.
export OPENBLAS_NUM_THREADS=1
OLD=${1:?usage: bash bench/learner_versions.sh OLD_GFBENCH NEW_GFBENCH} NEW=${2:?usage: bash bench/learner_versions.sh OLD_GFBENCH NEW_GFBENCH}
t() {  # t BIN K ARGS... -> seconds per step
  bin=$1 k=$2; shift 2
  printf 'run 5\nrun %d\nquit\n' "$k" | taskset -c 1 "$bin" learner "$@" 2>/dev/null | sed -n 's/^elapsed seconds=\([0-9.e+-]*\).*/\1/p' | tail -1 | awk -v k="$k" '{ printf "%.4f", 1000*$1/k }'
}
conf() {  # conf LABEL K ARGS...
  label=$1 k=$2; shift 2
  o=9e9 nf=9e9 nn=9e9
  for r in 1 2 3 4 5; do
    a=$(t $OLD $k "$@"); b=$(t $NEW $k "$@" --truncation 0 --step-control off); c=$(t $NEW $k "$@" --truncation 0 --step-control on)
    o=$(awk -v x=$o -v y=$a 'BEGIN{print (y<x)?y:x}'); nf=$(awk -v x=$nf -v y=$b 'BEGIN{print (y<x)?y:x}'); nn=$(awk -v x=$nn -v y=$c 'BEGIN{print (y<x)?y:x}')
  done
  awk -v l="$label" -v o=$o -v f=$nf -v n=$nn 'BEGIN{ printf "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n", l, o, f, n, f/o, n/o }'
}
echo "| configuration (fixed dt) | 0.1.0 ms/step | 0.2.0 control off | 0.2.0 control on | off/0.1.0 | on/0.1.0 |"
echo "|---|---|---|---|---|---|"
conf "64², 64, INDEPENDENT EULER" 100 --n 64 --ng 64 --coupling independent --integrator euler --dt 5
conf "128², 64, INDEPENDENT EULER" 30 --n 128 --ng 64 --coupling independent --integrator euler --dt 5
conf "64², 64, SANGER EULER" 100 --n 64 --ng 64 --coupling sanger --integrator euler --dt 5
conf "128², 64, SANGER EULER" 30 --n 128 --ng 64 --coupling sanger --integrator euler --dt 5
conf "128², 256, SANGER EULER" 10 --n 128 --ng 256 --coupling sanger --integrator euler --dt 1
conf "64², 64, SANGER EXPONENTIAL" 100 --n 64 --ng 64 --coupling sanger --integrator exponential --dt 5
conf "128², 64, SANGER EXPONENTIAL" 30 --n 128 --ng 64 --coupling sanger --integrator exponential --dt 5
