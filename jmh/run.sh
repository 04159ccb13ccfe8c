#!/usr/bin/env bash
# JMH benchmarks of vectorvit: build, run, then tables and charts.
#
#   jmh/run.sh                       every benchmark with the settings of its annotations (~10 minutes):
#                                    GemmBench and RowKernelsBench 5 x 1 s warm-up + 5 x 1 s, ForwardBench
#                                    3 x 5 s + 5 x 5 s, one fork each
#   jmh/run.sh quick                 every benchmark with minimal iterations (-f 1 -wi 2 -w 1s -i 2 -r 1s):
#                                    about 3.5 minutes, checks that everything runs; numbers are rough
#   jmh/run.sh [quick] ARGS...       ARGS go to JMH: a benchmark regex, -p, -prof, -wi, ... e.g.
#                                      jmh/run.sh GemmBench -p shape=1024x1024x1024 -p threads=1
#                                      jmh/run.sh GemmBench -p shape=197x768x768 -prof gc
#                                      jmh/run.sh ForwardBench -wi 3 -w 2s -i 5 -r 2s
#                                      jmh/run.sh quick ForwardBench -wi 3   (quick's other settings stay)
#                                    Extra JVM flags: -jvmArgsPrepend "-XX:-TieredCompilation" (NOT -jvmArgsAppend:
#                                    it replaces @Fork's --add-modules jdk.incubator.vector, and the benchmarks
#                                    then refuse to run rather than time the scalar fallback). -rf/-rff are set here.
#   jmh/run.sh report                only remake the tables and charts from results/jmh.json
#   jmh/run.sh list                  list the benchmarks (jmh -l) and their parameters (-lp)
#   Without ARGS, the peers benchmarks (dev.vectorvit.jmh.peers: vectorvit against netlib and OpenBLAS) and the
#   ladders (dev.vectorvit.jmh.ladder) are left out: jmh/peers/run.sh and jmh/ladder.sh run them, with their
#   own reports; name one to run it here (jmh/run.sh GemmPeersBench). So is LoadBench, which needs a model
#   folder: jmh/run.sh LoadBench -p model=results/peers-model (jmh/peers/run.sh writes that one).
#
# Output, in results/ at the repository root (git-ignored):
#   jmh.json  JMH's result file        jmh.log   JMH's console output
#   jmh.md    markdown tables: GEMM GFLOPS and % of FMA peak, row kernels GB/s vs copy and scalar,
#             ViT-B/16 latency, images/s and effective GFLOPS
#   gemm-gflops.png, row-kernels.png, vit-forward.png   charts (machine and date in the titles)
# A run replaces the previous one's files: copy what you want to keep.
#
# Environment: SKIP_BUILD=1 reuses jmh/target/benchmarks.jar as it is; RESULTS=DIR writes elsewhere;
# MACHINE="text" and DATE="text" override what tables and charts say (default: /proc/cpuinfo, the
# date of results/jmh.json); PEAK=GFLOPS (and PEAK_SOURCE="text") gives the FP32 FMA peak of one core that
# percentages are taken against (default: the report measures it, which a busy machine gets low).
# Needs a JDK 25+ (found like ./build does) and Maven.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

report() {
  run_report jmh "$results/jmh.json"
}

mode=full
case "${1:-}" in
  quick)  mode=quick; shift ;;
  report) build; report; exit 0 ;;
  list)   build; "${jvm[@]}" -jar "$jar" -lp; exit 0 ;;
  -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac

build
mkdir -p "$results"
# Quick settings, each unless the arguments set it (JMH refuses an option given twice).
settings=()
if [ "$mode" = quick ]; then
  for pair in "-f 1" "-wi 2" "-w 1s" "-i 2" "-r 1s"; do
    opt=${pair% *}
    given=0
    for a in "$@"; do [ "$a" = "$opt" ] && given=1; done
    [ "$given" = 1 ] || settings+=($pair)
  done
fi
[ $# = 0 ] && settings+=(-e '\.peers\.,\.ladder\.,LoadBench')
start=$(date +%s)
"${jvm[@]}" -jar "$jar" "${settings[@]}" "$@" -rf json -rff "$results/jmh.json" 2>&1 | tee "$results/jmh.log"
status=${PIPESTATUS[0]}
echo "JMH finished in $(( $(date +%s) - start )) s (exit $status)" >&2
[ "$status" = 0 ] || exit "$status"
report
