#!/usr/bin/env bash
# The one entry point: builds the runnable jar when the sources are newer than it, then runs it.
# Every argument passes on (bin/run.sh --help lists them).
#
#   bin/run.sh -instances 0                 one JVM, one HTTP verticle per core
#   bin/run.sh -processes 0 -instances 1    a supervised cluster, one JVM per core
#
# Only what starts processes builds: running (no verb), 'start' and 'reload'. The verbs that talk
# to a running launcher (list, show, logs, stop, monit, restart, scale) never build and run the jar already built,
# so they work while the sources do not compile.
#
# A JVM runs from a copy of the jar (run/jars/app-<sha-256>.jar, one per build, never changed), so
# a rebuild never changes the classes of a process that runs; unused copies are deleted.
#
# Exit codes: 0 ok, 1 failed while running, 2 bad flag or config, 3 no launcher running (verbs),
# 4 the build failed or there is no jar (see the README).
#
# Environment: JAVA_HOME (the JDK to use), JAVA_OPTS (extra JVM flags, after conf/jvm.options),
# HTTP_PORT (overrides http.port).
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$home/target/app.jar"
copies="$home/run/jars"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
readonly EXIT_BUILD_FAILED=4

# What builds: running (no verb), start and reload. What records the class-data archive: running.
case "${1:-}" in
  list|show|logs|stop|monit|restart|scale|-h|--help|-V|--version) builds=false runs=false ;;
  start|reload) builds=true runs=false ;;
  *) builds=true runs=true ;;
esac

needs_build() {
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$home/src/main" "$home/pom.xml" -newer "$jar" -print -quit)" ]]
}

if [[ "$builds" == true ]] && needs_build; then
  echo "building $jar ..." >&2
  if ! "$home/mvnw" -B -q -f "$home/pom.xml" -DskipTests package >&2; then
    if [[ "${1:-}" == reload ]]; then
      echo "error: the build failed (above); nothing was reloaded, every child runs as before" >&2
    else
      echo "error: the build failed (above); nothing was started" >&2
    fi
    exit "$EXIT_BUILD_FAILED"
  fi
fi

# The jar to run: the copy of the current build. A verb without a build takes the newest copy.
newest_copy() {
  local newest="" copy
  for copy in "$copies"/app-*.jar; do
    [[ -f "$copy" && ( -z "$newest" || "$copy" -nt "$newest" ) ]] && newest="$copy"
  done
  echo "$newest"
}

# Deletes every copy but the current one that no process has open (a JVM keeps its jar open).
prune_copies() {
  local current="$1" open copy
  open="$(find /proc/[0-9]*/fd -lname "$copies/app-*.jar" -printf '%l\n' 2>/dev/null | sort -u || true)"
  for copy in "$copies"/app-*.jar; do
    [[ -f "$copy" && "$copy" != "$current" ]] || continue
    grep -qxF "$copy" <<<"$open" || rm -f "$copy"
  done
}

# The copy of the build run last, if the jar has not changed since (same time and size: cp -p
# keeps both, and the launcher knows its own copy by them): no hashing on every run.
current="$copies/current"
same_build() {
  [[ -f "$current" && ! "$jar" -nt "$current" && ! "$current" -nt "$jar" ]] \
    && [[ "$(stat -c %s "$jar")" == "$(stat -L -c %s "$current")" ]]
}

if [[ -f "$jar" ]] && same_build; then
  copy="$(readlink -f "$current")"
elif [[ -f "$jar" ]]; then
  # Named by content (the launcher names its copies the same way), written aside and moved in.
  copy="$copies/app-$(sha256sum "$jar" | cut -c1-16).jar"
  (umask 077 && mkdir -p "$copies")
  if [[ ! -f "$copy" ]]; then
    cp -p "$jar" "$copy.partial.$$"
    mv -f "$copy.partial.$$" "$copy"
  fi
  ln -sfn "$(basename "$copy")" "$current"
  prune_copies "$copy"
else
  copy="$(newest_copy)"
  if [[ -z "$copy" ]]; then
    echo "error: no runnable jar at $jar: build it with ./mvnw package (or run bin/run.sh without a verb)" >&2
    exit "$EXIT_BUILD_FAILED"
  fi
fi

# What this run is: one node alone, or part of a cluster (a launcher, in the foreground or started
# by 'start', whose children share its archive, or a -cluster node).
role=node launcher=false
[[ "${1:-}" == start ]] && role=cluster
for arg in "$@"; do
  case "$arg" in
    -processes|-processes=*) role=cluster launcher=true ;;
    -cluster) role=cluster ;;
  esac
done

# Application class-data sharing: the first run after a build records the classes it loaded into
# an archive when it exits; later runs map them instead of loading them (start to first 200 went
# from about 1.0 s to 0.65 s here). One archive per JDK and jar copy, since an archive only fits
# the JVM that wrote it and the jar file it was recorded from (by path): a launcher of the
# previous build that exits after a rebuild writes its own build's archive, never the new one's.
# And one per role: a node alone loads no Hazelcast, so its archive (20 MB) left a cluster's
# processes loading half their classes one by one (54 MB recorded by a launcher): with the
# README's -instances 0 run first, every child of -processes 2 was online after 5.0 to 5.6 s,
# against 3.2 to 3.9 s with a launcher's archive.
# The JVM falls back to loading classes normally if an archive does not fit.
# A verb (start, list, ...) or -V loads few classes, so it uses the archive but never records it;
# without its role's archive it maps the other role's, which still beats none.
jdk_id="$(command -v "$java" | xargs readlink -f | cksum | cut -d' ' -f1)"
build_archives="$home/target/app-cds-$jdk_id-$(basename "${copy:-none}" .jar)"
archive="$build_archives-$role.jsa"
other_archive="$build_archives-$([[ "$role" == node ]] && echo cluster || echo node).jsa"
# The archive sits on the JDK's base archive, which was dumped without conf/jvm.options' module
# flags (--add-modules, --add-opens, ...): the JVM then maps the archive but not its archived module
# graph, and JDK 24+ reports that mismatch as 9 [error][cds] lines at every start (17 and 21 say
# nothing). The classes still map, so those lines are noise: the use turns the cds log off.
cds=()
if [[ -f "$archive" ]]; then
  cds=("-XX:SharedArchiveFile=$archive" "-Xlog:cds=off")
elif [[ -f "$jar" && "$runs" == true ]]; then
  cds=("-XX:ArchiveClassesAtExit=$archive" "-Xlog:cds=error")
  # Earlier builds' archives (~50 MB each) fit no jar that will run again.
  for old in "$home/target/app-cds-$jdk_id"-*.jsa; do
    [[ -f "$old" && "$old" != "$build_archives"-*.jsa ]] && rm -f "$old"
  done
elif [[ -f "$other_archive" ]]; then
  cds=("-XX:SharedArchiveFile=$other_archive" "-Xlog:cds=off")
fi

# Flags a JDK older than 23 refuses (the JVM would not start), read from the JDK's release file.
# Hazelcast reads and writes memory through sun.misc.Unsafe; JDK 24+ warns at the first use unless
# it is allowed (JDK 23 accepts the flag, and allows it by default).
jdk_flags=()
release="$(dirname "$(dirname "$(command -v "$java" | xargs readlink -f)")")/release"
feature="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" 2>/dev/null || true)"
if [[ "${feature:-0}" -ge 23 ]]; then
  jdk_flags=("--sun-misc-unsafe-memory-access=allow")
fi

# A launcher in the foreground (-processes) adds its own flags (conf/launcher-jvm.options says why);
# 'start' adds them to the launcher it starts, and the children a launcher forks never get them.
role_flags=()
if [[ "$runs" == true && "$launcher" == true && -f "$home/conf/launcher-jvm.options" ]]; then
  role_flags=("@$home/conf/launcher-jvm.options")
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec "$java" "@$home/conf/jvm.options" "${role_flags[@]+"${role_flags[@]}"}" "${jdk_flags[@]+"${jdk_flags[@]}"}" \
  "${cds[@]+"${cds[@]}"}" ${JAVA_OPTS:-} \
  -Dapp.home="$home" -Dapp.jar="$jar" -jar "$copy" "$@"
