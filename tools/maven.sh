# Sourced by ./build, ./vit and the jmh scripts: `vectorvit_mvn ARGS...` runs Maven from the PATH, or the
# Maven Wrapper (./mvnw, a pinned Maven 3.9 downloaded from Maven Central once) where there is none, so a
# machine with only a JDK builds.
vectorvit_maven_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

vectorvit_mvn() {
  if command -v mvn >/dev/null 2>&1; then
    mvn "$@"
  else
    "$vectorvit_maven_root/mvnw" "$@"
  fi
}
