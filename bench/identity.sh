#!/usr/bin/env bash
# What the closed cluster costs (issue 7), in one run, each figure beside its baseline:
#   job round trip p50 and jobs/s across JVMs: event bus with mutual TLS (cluster.identityDir)
#     vs plain (cluster.insecure)                                               (target TLS <= 1.3x p50)
#   start to every child online, -processes 2: this build, and BEFORE_HOME's build when given
#
#   bench/identity.sh                                   (ROUNDS [3], QUIET_WAIT [120] seconds)
#   BEFORE_HOME=/tmp/before bench/identity.sh           (an older checkout, its jar built)
#
# A client JVM (bench/RoundTrip.java) joins a hand-run node (-cluster) as a cluster member and
# sends it work.busy {"ms": 0} jobs: one at a time for the latency, 8 in flight for the rate.
# Traffic goes to 127.0.0.1 only; every process it starts is stopped by pid on exit. Before each
# measurement it waits (up to QUIET_WAIT seconds) for the machine to be 80 % idle; only ratios
# from one run mean anything on a shared machine.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
BENCH="identity bench"
# shellcheck source=bench/lib.sh
source bench/lib.sh
ROUNDS="${ROUNDS:-3}"
PORT="${PORT:-18380}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The runnable jar of a tree: target/app.jar, or the name older trees (a BEFORE_HOME) gave it.
jar_of() { local f; for f in "$1/target/app.jar" "$1"/target/*-fat.jar; do [[ -f "$f" ]] && { echo "$f"; return; }; done; echo "$1/target/app.jar"; }
jar="$(jar_of "$home")"
work="$(mktemp -d)"
field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"; }

current_jar "$jar"
[[ -z "${BEFORE_HOME:-}" || -f "$(jar_of "$BEFORE_HOME")" ]] || die "no jar in $BEFORE_HOME/target"

# node NAME PORT CONF: a hand-run clustered node; waits for its ready line, sets PID
node() {
  "$java" @conf/jvm.options -Dapp.home="$home" -jar "$jar" -cluster -instances 1 -conf "$3" >"$work/$1.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  local i
  for ((i = 0; i < 1200; i++)); do
    grep -q 'ready: http' "$work/$1.log" && return
    kill -0 "$PID" 2>/dev/null || die "node $1 exited: $(tail -3 "$work/$1.log")"
    sleep 0.05
  done
  die "node $1 not ready in 60 s"
}

# online HOME CONF: launches -processes 2 from HOME; sets ONLINE_MS, from launch to every child
# online, and stops it
online() {
  local t0 i pid log="$work/launcher-$RANDOM.log"
  : >"$log"
  quiet || true
  t0="$EPOCHREALTIME"
  "$java" @"$1/conf/jvm.options" -Dapp.home="$1" -jar "$(jar_of "$1")" \
    -processes 2 -instances 1 -conf "$2" >"$log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for ((i = 0; i < 12000; i++)); do
    if [[ "$(grep -c ' online (pid' "$log")" -ge 2 ]]; then
      ONLINE_MS="$(calc "($EPOCHREALTIME - $t0) * 1000" 0)"
      kill -TERM "$pid"
      for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
      die "launcher $pid did not stop"
    fi
    kill -0 "$pid" 2>/dev/null || die "the launcher exited: $(tail -5 "$log")"
    sleep 0.005
  done
  die "the children were not online within 60 s: $(tail -5 "$log")"
}

"$java" @conf/jvm.options -Dapp.home="$home" -jar "$jar" identity "$work/identity" >/dev/null
# Two nodes on one host: each takes a free management port (the default, 9464, fits one).
tls_conf="{\"http\":{\"port\":$PORT},\"cluster\":{\"identityDir\":\"$work/identity\"},\"management\":{\"port\":0}}"
plain_conf="{\"http\":{\"port\":$((PORT + 1))},\"cluster\":{\"name\":\"bench-plain-$$\",\"insecure\":true},\"management\":{\"port\":0}}"

log "round trips across JVMs: a TLS node and a plain node, measured in turn"
node tls "$PORT" "$tls_conf"
node plain "$((PORT + 1))" "$plain_conf"
tls_p50=() tls_rps=() plain_p50=() plain_rps=()
for ((round = 1; round <= ROUNDS; round++)); do
  for kind in plain tls; do
    conf_var="${kind}_conf"
    quiet || true
    line="$("$java" @conf/jvm.options -cp "$jar" bench/RoundTrip.java cluster "${!conf_var}" 2>/dev/null | grep '^roundtrip')" \
      || die "RoundTrip against the $kind node failed"
    log "round $round $kind: $line"
    eval "${kind}_p50+=(\"$(field "$line" p50_ms)\")"
    eval "${kind}_rps+=(\"$(field "$line" rps)\")"
  done
done

log "start to every child online, -processes 2"
after=() before=()
for ((round = 1; round <= ROUNDS; round++)); do
  online "$home" "{\"http\":{\"port\":$((PORT + 2))},\"supervisor\":{\"runDir\":\"$work/run-after\"}}"
  after+=("$ONLINE_MS")
  log "round $round this build: $ONLINE_MS ms"
  if [[ -n "${BEFORE_HOME:-}" ]]; then
    online "$BEFORE_HOME" "{\"http\":{\"port\":$((PORT + 2))},\"cluster\":{\"name\":\"bench-before-$$\"},\"supervisor\":{\"runDir\":\"$work/run-before\"}}"
    before+=("$ONLINE_MS")
    log "round $round before: $ONLINE_MS ms"
  fi
done

printf '\n%-48s %12s %12s %8s %s\n' "figure (median of $ROUNDS)" "measured" "baseline" "ratio" "target"
printf '%-48s %12s %12s %8s %s\n' "job round trip p50 (ms), TLS vs plain" \
  "$(median "${tls_p50[@]}")" "$(median "${plain_p50[@]}")" \
  "$(calc "$(median "${tls_p50[@]}") / $(median "${plain_p50[@]}")")x" "<= 1.3x"
printf '%-48s %12s %12s %8s\n' "jobs/s, 8 in flight, TLS vs plain" \
  "$(median "${tls_rps[@]}")" "$(median "${plain_rps[@]}")" \
  "$(calc "$(median "${tls_rps[@]}") / $(median "${plain_rps[@]}")")x"
if [[ -n "${BEFORE_HOME:-}" ]]; then
  printf '%-48s %12s %12s %8s %s\n' "start to every child online (ms), -processes 2" \
    "$(median "${after[@]}")" "$(median "${before[@]}")" "$(calc "$(median "${after[@]}") / $(median "${before[@]}")")x" "<= 4000 ms"
else
  printf '%-48s %12s %12s %8s %s\n' "start to every child online (ms), -processes 2" "$(median "${after[@]}")" "-" "-" "<= 4000 ms"
fi
echo
echo "all rounds: TLS p50 ${tls_p50[*]}; plain p50 ${plain_p50[*]}; TLS jobs/s ${tls_rps[*]}; plain jobs/s ${plain_rps[*]};" \
  "online ms ${after[*]}${BEFORE_HOME:+; before ${before[*]}}"
