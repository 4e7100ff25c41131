#!/usr/bin/env bash
# Cluster mode against one JVM, in one run (DESIGN.md section 7, issue targets), each figure beside
# its baseline:
#   /hello req/s, -processes 2 -instances 1  vs  one JVM -instances 0          (target >= 0.9x)
#   start to every child ready, -processes 2  vs  one JVM's start to first 200  (target < 6 s)
#   job round trip p50 and throughput: across JVMs (cluster member), through the TCP bridge,
#     vs in one JVM                                                            (target p50 < 1 ms)
#   failed requests during 3 reloads under wrk load                            (target 0)
#   RSS per child after load, with the heap flags of conf/jvm.options
#
#   bench/cluster.sh            (ROUNDS [2], DURATION [10] seconds per wrk run)
#
# Needs wrk (apt-get install -y wrk), curl, a JDK 17+. Traffic goes to 127.0.0.1 only; every
# process it starts is stopped by pid on exit. Only ratios from one run mean anything here: wrk
# shares the cores with the servers.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-10}"
PORT="${PORT:-18280}"
BRIDGE_PORT="${BRIDGE_PORT:-18281}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$home/target/app.jar"
work="$(mktemp -d)"
run_dir="$work/run"
cluster_name="bench-$$"
conf="{\"supervisor\":{\"runDir\":\"$run_dir\"},\"cluster\":{\"name\":\"$cluster_name\"},
  \"bridge\":{\"enabled\":true,\"port\":$BRIDGE_PORT}}"
PIDS=()

cleanup() {
  local pid i
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "cluster bench: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
errors() {
  awk '/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
       /Non-2xx or 3xx responses:/ { n += $5 }
       END { print n + 0 }' "$1"
}
best() { printf '%s\n' "$@" | sort -g | tail -1; }
least() { printf '%s\n' "$@" | sort -g | head -1; }

command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"
[[ -f "$jar" ]] || ./mvnw -B -q -DskipTests package >&2
[[ -z "$(find src/main pom.xml -newer "$jar" -print -quit)" ]] || die "target/ is older than the sources: build first (./mvnw -DskipTests package)"

# --- servers -----------------------------------------------------------------------------------

# start_single: one JVM, -instances 0; sets PID and START_MS (bin/run.sh launched to first 200)
start_single() {
  local t0="$EPOCHREALTIME" i
  HTTP_PORT="$PORT" bin/run.sh -instances 0 >"$work/single.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for ((i = 0; i < 4000; i++)); do
    if curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/hello"; then
      START_MS="$(calc "($EPOCHREALTIME - $t0) * 1000" 0)"
      return
    fi
    sleep 0.005
  done
  die "the single JVM did not answer: $(tail -3 "$work/single.log")"
}

# start_cluster: launcher with 2 children; sets PID and READY_MS (bin/run.sh launched to every
# child online)
start_cluster() {
  local t0="$EPOCHREALTIME" i
  HTTP_PORT="$PORT" bin/run.sh -processes 2 -instances 1 -conf "$conf" >"$work/cluster.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for ((i = 0; i < 12000; i++)); do
    if [[ "$(grep -c ' online (pid' "$work/cluster.log")" -ge 2 ]]; then
      READY_MS="$(calc "($EPOCHREALTIME - $t0) * 1000" 0)"
      return
    fi
    kill -0 "$PID" 2>/dev/null || die "the launcher exited: $(tail -5 "$work/cluster.log")"
    sleep 0.005
  done
  die "the children were not online within 60 s: $(tail -5 "$work/cluster.log")"
}

stop() {
  local i
  kill -TERM "$PID" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$PID" 2>/dev/null || true
}

verb() { "$java" "@conf/jvm.options" -Dapp.home="$home" -jar "$jar" "$@" -conf "$conf"; }

hello_rps() {
  wrk -t2 -c64 -d3s "http://127.0.0.1:$PORT/hello" >/dev/null 2>&1   # warm-up
  wrk -t2 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/hello" >"$work/wrk-$1.txt" 2>&1
  rps "$work/wrk-$1.txt"
}

# --- measurements ------------------------------------------------------------------------------

# Started the way users start it, through bin/run.sh (which execs java, so the pid is the JVM's),
# class-data archive included: one run first, so that the archive is recorded for this jar.
log "priming bin/run.sh's class-data archive"
start_single
stop

single_rps=() cluster_rps=() single_start=() cluster_ready=()
for ((round = 1; round <= ROUNDS; round++)); do
  log "round $round: one JVM"
  start_single
  single_start+=("$START_MS")
  single_rps+=("$(hello_rps "single-$round")")
  stop
  log "round $round: -processes 2"
  start_cluster
  cluster_ready+=("$READY_MS")
  cluster_rps+=("$(hello_rps "cluster-$round")")
  stop
done

log "job round trips"
injvm="$("$java" @conf/jvm.options -cp "$jar" bench/RoundTrip.java in-jvm 2>/dev/null | grep '^roundtrip')"
start_cluster
across="$("$java" @conf/jvm.options -cp "$jar" bench/RoundTrip.java cluster "$cluster_name" 2>/dev/null | grep '^roundtrip')"
bridge="$("$java" @conf/jvm.options -cp "$jar" bench/RoundTrip.java bridge 127.0.0.1 "$BRIDGE_PORT" 2>/dev/null | grep '^roundtrip')"

log "3 reloads under wrk load"
wrk -t2 -c64 -d120s "http://127.0.0.1:$PORT/hello" >"$work/wrk-reload.txt" 2>&1 &
WRK_PID=$!
PIDS+=("$WRK_PID")
sleep 2
for i in 1 2 3; do verb reload >"$work/reload-$i.txt" 2>&1 || die "reload $i failed: $(cat "$work/reload-$i.txt")"; done
kill -INT "$WRK_PID" 2>/dev/null || true
wait "$WRK_PID" 2>/dev/null || true
reload_errors="$(errors "$work/wrk-reload.txt")"
reload_requests="$(awk '/requests in/ { print $1 }' "$work/wrk-reload.txt")"
list="$(verb list)"
stop

field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"; }
single_best="$(best "${single_rps[@]}")"
cluster_best="$(best "${cluster_rps[@]}")"

# --- report ------------------------------------------------------------------------------------

printf '\n%-44s %14s %14s %10s %s\n' "figure" "measured" "baseline" "ratio" "target"
printf '%-44s %14s %14s %10s %s\n' "/hello req/s, -processes 2 vs -instances 0" \
  "$cluster_best" "$single_best" "$(calc "$cluster_best / $single_best")x" ">= 0.9x"
printf '%-44s %14s %14s %10s %s\n' "start to ready (ms): every child vs 1 JVM" \
  "$(least "${cluster_ready[@]}")" "$(least "${single_start[@]}")" "" "< 6000"
printf '%-44s %14s %14s %10s %s\n' "job round trip p50 (ms): across JVMs" \
  "$(field "$across" p50_ms)" "$(field "$injvm" p50_ms)" "" "< 1 (baseline: in one JVM)"
printf '%-44s %14s %14s %10s %s\n' "job round trip p50 (ms): through the bridge" \
  "$(field "$bridge" p50_ms)" "$(field "$injvm" p50_ms)" "" "< 1 (baseline: in one JVM)"
printf '%-44s %14s %14s %10s %s\n' "jobs/s, 8 in flight: across JVMs" \
  "$(field "$across" rps)" "$(field "$injvm" rps)" "" "(baseline: in one JVM)"
printf '%-44s %14s %14s %10s %s\n' "jobs/s, 8 in flight: through the bridge" \
  "$(field "$bridge" rps)" "$(field "$injvm" rps)" "" "(baseline: in one JVM)"
printf '%-44s %14s %14s %10s %s\n' "failed requests in 3 reloads under wrk" \
  "$reload_errors" "of $reload_requests" "" "0"
echo
echo "all rounds: one JVM req/s ${single_rps[*]}; cluster req/s ${cluster_rps[*]};" \
  "start ms ${single_start[*]}; ready ms ${cluster_ready[*]}"
echo "children after the load and the reloads (heap: $(grep -E '^-Xm[sx]' conf/jvm.options | tr '\n' ' ')):"
echo "$list"
