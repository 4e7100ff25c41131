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

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec "$java" "@$home/conf/jvm.options" ${JAVA_OPTS:-} -Dapp.home="$home" -jar "$jar" "$@"
