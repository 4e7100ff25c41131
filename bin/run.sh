#!/usr/bin/env bash
# The one entry point: builds the runnable jar when the sources are newer than it, then runs it.
# Every argument passes on (bin/run.sh --help lists them).
#
#   bin/run.sh -instances 0                 one JVM, one HTTP verticle per core
#   bin/run.sh -processes 0 -instances 1    a supervised cluster, one JVM per core
#
# Environment: JAVA_HOME (the JDK to use), JAVA_OPTS (extra JVM flags, after conf/jvm.options),
# HTTP_PORT (overrides http.port).
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$home/target/vertx-template-fat.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

needs_build() {
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$home/src/main" "$home/pom.xml" -newer "$jar" -print -quit)" ]]
}

if needs_build; then
  echo "building $jar ..." >&2
  "$home/mvnw" -B -q -f "$home/pom.xml" -DskipTests package >&2
fi

# Application class-data sharing: the first run after a build records the classes it loaded into
# an archive when it exits; later runs map them instead of loading them (start to first 200 went
# from about 1.0 s to 0.65 s here). One archive per JDK, since an archive only fits the JVM that
# wrote it; the JVM falls back to loading classes normally if it does not fit.
# A verb (start, list, ...) loads few classes, so it uses the archive but never records it.
archive="$home/target/app-cds-$(command -v "$java" | xargs readlink -f | cksum | cut -d' ' -f1).jsa"
cds=()
if [[ -f "$archive" && "$archive" -nt "$jar" ]]; then
  cds=("-XX:SharedArchiveFile=$archive")
elif [[ ! "${1:-}" =~ ^(start|stop|list|show|reload|logs)$ ]]; then
  cds=("-XX:ArchiveClassesAtExit=$archive" "-Xlog:cds=error")
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec "$java" "@$home/conf/jvm.options" "${cds[@]+"${cds[@]}"}" ${JAVA_OPTS:-} -Dapp.home="$home" -jar "$jar" "$@"
