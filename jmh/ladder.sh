#!/usr/bin/env bash
# The optimization ladders of vectorvit's kernels and the experiments that lost: build, run, report.
#
#   jmh/ladder.sh                 every ladder and experiment with the settings of its annotations
#                                 (5 x 1 s warm-up + 5 x 1 s, one fork per configuration): about 15 minutes
#   jmh/ladder.sh quick           the same with -f 1 -wi 2 -w 1s -i 2 -r 1s: about 8 minutes; shows that
#                                 everything runs and checks out, the numbers are rough
#   jmh/ladder.sh [quick] ARGS... ARGS go to JMH; a benchmark regex replaces the default (all of
#                                 dev.vectorvit.jmh.ladder), e.g.
#                                   jmh/ladder.sh quick GemmLadderBench -p shape=197x768x768
#                                   jmh/ladder.sh TooManyAccumulatorsBench
#                                 Extra JVM flags with -jvmArgsPrepend (-jvmArgsAppend would replace @Fork's).
#   jmh/ladder.sh report          only remake the report from results/ladder.json
#
# The code: jmh/src/main/java/dev/vectorvit/jmh/ladder/ (one class per rung, the benchmarks beside them).
# Every rung is checked against the library's double-precision scalar reference before it is timed, and
# a wrong result stops the run (-foe true). Every benchmark runs with -prof gc (allocation per call).
#
# Output, in results/ at the repository root (git-ignored); a run replaces the previous one's files:
#   ladder.json  JMH's result file        ladder.log  JMH's console output
#   ladder.md    the tables: GEMM GFLOPS and % of the FMA peak per rung and shape, the row-kernel ladders,
#                the experiments that lost with their numbers and why
#   gemm-ladder.png, row-ladders.png, experiments.png
# Environment: SKIP_BUILD=1 reuses jmh/target/benchmarks.jar; RESULTS=DIR writes elsewhere; MACHINE="text"
# and DATE="text" override what the report says (default: /proc/cpuinfo, the date of ladder.json); PEAK and
# PEAK_SOURCE as in jmh/run.sh.
# Needs a JDK 25+ (found like ./build does) and Maven.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

report() {
  run_report ladder "$results/ladder.json"
}

mode=full
case "${1:-}" in
  quick)  mode=quick; shift ;;
  report) build; report; exit 0 ;;
  -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac

# JMH options all take a value, so an argument that is neither an option nor an option's value is a regex.
regex=0
expect_value=0
for a in "$@"; do
  if [ "$expect_value" = 1 ]; then expect_value=0
  elif [[ "$a" == -* ]]; then expect_value=1
  else regex=1
  fi
done
settings=()
[ "$regex" = 1 ] || settings+=('dev\.vectorvit\.jmh\.ladder\.')
if [ "$mode" = quick ]; then
  # Each unless the arguments set it (JMH refuses an option given twice).
  for pair in "-f 1" "-wi 2" "-w 1s" "-i 2" "-r 1s"; do
    opt=${pair% *}
    given=0
    for a in "$@"; do [ "$a" = "$opt" ] && given=1; done
    [ "$given" = 1 ] || settings+=($pair)
  done
fi

build
mkdir -p "$results"
start=$(date +%s)
java -jar "$jar" "${settings[@]}" "$@" -foe true -prof gc -rf json -rff "$results/ladder.json" 2>&1 | tee "$results/ladder.log"
status=${PIPESTATUS[0]}
echo "JMH finished in $(( $(date +%s) - start )) s (exit $status)" >&2
[ "$status" = 0 ] || exit "$status"
report
