# Sourced by jmh/run.sh, jmh/ladder.sh and jmh/peers/run.sh: finds the JDK, sets the paths, builds the benchmarks jar.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/tools/jdk.sh"
. "$root/tools/maven.sh"
vectorvit_find_jdk || exit 1
cd "$root"

results=${RESULTS:-$root/results}
jar=$root/jmh/target/benchmarks.jar
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set in some environments) would pin GemmPeersBench's OpenBLAS to other kernels.
# TypeProfileLevel=112 as the vit script sets it (docs/library.md): vectorvit measured as the vit command runs it.
jvm=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -XX:TypeProfileLevel=112)

build() {
  [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$jar" ] && return 0
  echo "building: library (mvn install) and jmh/target/benchmarks.jar" >&2
  # The jmh project takes the library from the local repository: install this checkout's first.
  vectorvit_mvn -B -q -ntp install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
  vectorvit_mvn -B -q -ntp -f jmh/pom.xml package
}

# run_report REPORT ARGS...: `ReportCommand REPORT ARGS` (jmh, ladder or peers), writing into $results; MACHINE,
# DATE, PEAK and PEAK_SOURCE, where set, give the report's --machine, --date, --peak and --peak-source (without
# PEAK the report measures the FMA peak itself, which the Vector API module of $jvm allows).
run_report() {
  local args=("$@" --out "$results")
  [ -n "${MACHINE:-}" ] && args+=(--machine "$MACHINE")
  [ -n "${DATE:-}" ] && args+=(--date "$DATE")
  [ -n "${PEAK:-}" ] && args+=(--peak "$PEAK")
  [ -n "${PEAK_SOURCE:-}" ] && args+=(--peak-source "$PEAK_SOURCE")
  "${jvm[@]}" -Djava.awt.headless=true -cp "$jar" dev.vectorvit.jmh.report.ReportCommand "${args[@]}"
}
