#!/usr/bin/env bash
# Folder throughput (issue 18): `vit classify` over N generated JPEGs against the bare forward pass at the
# same batch and threads, the two taking turns. Not part of the test command.
#
#   jmh/folder/run.sh [N] [ROUNDS]      default 2000 images, 2 rounds; batch 8, 2 threads (BATCH, THREADS)
#
# Each round: `vit bench --batch B --threads T --iterations 8 --warmup 2` (median pass -> images/s), then
# `vit classify --random-weights` over the first 200 images and over all N, then the bench again (the
# machine drifts over a run of minutes: the bare rate is the mean of the two); the steady rate is
# (N - 200) / (time(N) - time(200)), so that JVM start, loading and the JIT's first passes cancel out.
# Prints one line per run and the ratios; JPEGs are kept in results/folder-jpegs/ between runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/tools/jdk.sh"
vectorvit_find_jdk || exit 1
cd "$root"
n=${1:-2000}; rounds=${2:-2}; batch=${BATCH:-8}; threads=${THREADS:-2}
dir=results/folder-jpegs; small=results/folder-jpegs-200
./build jar
jvm=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms64m)
cp=(-cp target/vectorvit.jar dev.vectorvit.cli.Main)
if [ "$(find "$dir" -name '*.jpg' 2>/dev/null | wc -l)" -lt "$n" ]; then
  echo "writing $n JPEGs to $dir" >&2
  rm -rf "$dir" "$small"
  "$JAVA_HOME/bin/javac" -d results/folder-classes jmh/src/main/java/dev/vectorvit/jmh/folder/MakeJpegs.java
  "$JAVA_HOME/bin/java" -cp results/folder-classes dev.vectorvit.jmh.folder.MakeJpegs "$dir" "$n"
fi
mkdir -p "$small"
find "$dir" -name '*.jpg' | sort | sed -n '1,200p' | while read -r f; do ln -sf "$root/$f" "$small/"; done
folder() { # DIR -> seconds of the whole run
  local t0 t1
  t0=$(date +%s%N)
  "${jvm[@]}" "${cp[@]}" classify --random-weights --batch "$batch" --threads "$threads" --output results/folder-out.jsonl "$1" 2>/dev/null
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) CPUs; batch $batch, threads $threads, $n images"
bare() { # images/s of the median pass
  "${jvm[@]}" "${cp[@]}" bench --batch "$batch" --threads "$threads" --iterations 8 --warmup 2 --json 2>/dev/null | tail -1 \
    | sed -E 's/.*"images_per_s":([0-9.]+).*/\1/'
}
for r in $(seq 1 "$rounds"); do
  before=$(bare); t200=$(folder "$small"); tn=$(folder "$dir"); after=$(bare)
  awk -v r="$r" -v n="$n" -v b1="$before" -v b2="$after" -v tn="$tn" -v t200="$t200" 'BEGIN {
    steady = (n - 200) / (tn - t200); bare = (b1 + b2) / 2
    printf "round %d: bare pass %.2f images/s before, %.2f after; folder of %d: %.1f s (%.2f images/s whole run), 200: %.1f s; steady %.2f images/s = %.0f%% of the bare pass (mean of before and after)\n",
      r, b1, b2, n, tn, n / tn, t200, steady, 100 * steady / bare }'
done
