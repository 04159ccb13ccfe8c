# Sourced by ./vit and ./build: sets JAVA_HOME to a JDK >= 25, or stops with one line saying what to do.
# Order: $JAVA_HOME if it is new enough, then `java` on PATH, then JDKs under /usr/lib/jvm and ~/.sdkman.
vectorvit_jdk_major() {
  # The JDK's release file says it without starting a JVM (each start costs ~0.1 s of `vit`'s latency).
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
  fi
}

vectorvit_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(vectorvit_jdk_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: vectorvit needs a JDK 25 or newer; none found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm). Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
