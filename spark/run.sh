#!/usr/bin/env bash
# The Spark job on this machine without a Spark install: local[*], Spark's jars from the Maven build.
# Usage: spark/run.sh IMAGES MODEL_DIR OUTPUT.parquet [--task classify|embed] [--batch N] [--top K] [--max-pixels N]
# (./build spark first; SPARK_JAVA_OPTS adds JVM options, e.g. -Xmx4g.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/tools/jdk.sh"
vectorvit_find_jdk || exit 1
jar="$root/spark/target/vectorvit-spark.jar"
classpath="$root/spark/target/spark-classpath.txt"
[ -f "$jar" ] || { echo "error: $jar is missing: run ./build spark first" >&2; exit 1; }
if [ ! -f "$classpath" ] || [ "$root/spark/pom.xml" -nt "$classpath" ]; then
  mvn -B -q -ntp -f "$root/spark/pom.xml" dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile="$classpath" >&2
fi
exec "$JAVA_HOME/bin/java" "@$root/spark/jvm.options" ${SPARK_JAVA_OPTS:-} -cp "$jar:$(cat "$classpath")" \
  dev.vectorvit.spark.VitSpark "$@"
