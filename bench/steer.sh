#!/usr/bin/env bash
# What steering a running cluster costs its clients: the failed requests while `restart`, `scale`
# and `reload` replace, add and remove children under `wrk -t2 -c64` on /hello (target: 0 in every
# run), how long each verb takes, and how long each child it starts takes to come online (target:
# each replaced child online within 4 s).
#
#   bench/steer.sh            (RUNS [3], PORT [18680])
#
# Each run starts a launcher in the background (`bin/run.sh start -processes 2 -instances 1`),
# puts wrk on it, and then, one after the other: `restart 2`, `scale 3`, `scale 1`, `reload`,
# `restart` (every child, one at a time); wrk stops once the last verb returned. A failed request
# is a socket error (connect, read, write, timeout) or an answer that is not 2xx/3xx.
# Needs wrk and a JDK 17+. Traffic to 127.0.0.1 only; every process it starts is stopped on exit.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
BENCH="steer bench"
# shellcheck source=bench/lib.sh
source bench/lib.sh
RUNS="${RUNS:-3}"
PORT="${PORT:-18680}"
jar="$home/target/app.jar"
work="$(mktemp -d)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"
current_jar "$jar"

conf="{\"http\":{\"port\":$PORT},\"management\":{\"port\":0},\"supervisor\":{\"runDir\":\"$work/run\"}}"
# Through bin/run.sh, as a user steers: with the class-data archive (target/app-cds-*.jsa) when a
# foreground run of this build recorded one, which the launcher then hands its children.
verb() { bin/run.sh "$@" -conf "$conf"; }

# timed NAME VERB... : runs the verb, appends "NAME SECONDS" to $work/verbs-$run.txt
timed() {
  local name="$1" t0="$EPOCHREALTIME"
  shift
  verb "$@" >"$work/$name-$run.txt" 2>&1 || die "$name failed: $(tail -3 "$work/$name-$run.txt")"
  echo "$name $(calc "$EPOCHREALTIME - $t0" 1)" >>"$work/verbs-$run.txt"
}

summary=()
for ((run = 1; run <= RUNS; run++)); do
  log "run $run: start"
  verb start -processes 2 -instances 1 >"$work/start-$run.txt" 2>&1 || die "start failed: $(tail -3 "$work/start-$run.txt")"
  launcher_pid="$(sed -n 's/.*launcher started, pid \([0-9]*\).*/\1/p' "$work/start-$run.txt")"
  [[ -n "$launcher_pid" ]] || die "no launcher pid in: $(cat "$work/start-$run.txt")"
  PIDS+=("$launcher_pid")
  wrk -t2 -c64 -d5s "http://127.0.0.1:$PORT/hello" >/dev/null 2>&1   # warm-up
  wrk -t2 -c64 -d300s "http://127.0.0.1:$PORT/hello" >"$work/wrk-$run.txt" 2>&1 &
  wrk_pid=$!
  PIDS+=("$wrk_pid")
  sleep 2
  : >"$work/verbs-$run.txt"
  launcher_log="$work/run/logs/launcher.log"
  online_before="$(grep -c ' online (pid' "$launcher_log" || true)"
  timed "restart-2" restart 2
  timed "scale-3" scale 3
  timed "scale-1" scale 1
  timed "reload" reload
  timed "restart-all" restart
  sleep 2
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  verb stop >"$work/stop-$run.txt" 2>&1 || die "stop failed: $(tail -3 "$work/stop-$run.txt")"
  errors="$(wrk_errors "$work/wrk-$run.txt")"
  requests="$(awk '/requests in/ { print $1 }' "$work/wrk-$run.txt")"
  verbs="$(tr '\n' ' ' <"$work/verbs-$run.txt")"
  # Every child the verbs started (four: restart 2's, scale 3's, and with one child left after
  # scale 1, reload's and restart's), from its process start to online, as the launcher logs it.
  online_ms="$(grep ' online (pid' "$launcher_log" | tail -n +"$((online_before + 1))" \
    | sed -n 's/.* online (pid [0-9]*, \([0-9]*\) ms after start).*/\1/p' | sort -n | tr '\n' ' ')"
  log "run $run: $errors failed of $requests; seconds per verb: $verbs; each new child to online, ms: $online_ms"
  grep -E "Socket errors|Non-2xx" "$work/wrk-$run.txt" >&2 || true
  summary+=("run $run: $errors failed of $requests (restart 2, scale 3, scale 1, reload, restart; seconds: $verbs; new children online after ms: $online_ms)")
done
printf '%s\n' "${summary[@]}"
