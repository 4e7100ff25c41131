#!/usr/bin/env bash
# What metrics cost, each figure beside its baseline from the same run:
#   1. /hello req/s with metrics on (management.enabled true) beside metrics off
#      (management.enabled false): both JVMs up at once, wrk -t2 -c64 against each in turn, ABBA
#      order over ROUNDS; the median of the per-round ratios (target: >= 0.95x), and the server's
#      CPU time per request (from /proc/PID/stat), which other tenants of the cores disturb less;
#   2. the time of one scrape of a 2-child launcher's merged /metrics, after some /hello traffic
#      and 10 scrapes of warm-up (median and worst of SCRAPES scrapes, target: < 50 ms).
#
# Environment (defaults in brackets): ROUNDS [6], DURATION [10] seconds per wrk run, SCRAPES [20],
# BENCH_JAR [target/app.jar], BASE_PORT [18480] (it uses BASE_PORT to BASE_PORT+3).
# Needs wrk, curl and a JDK 17+. Traffic to 127.0.0.1 only; every process it starts is stopped by
# pid on exit.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
ROUNDS="${ROUNDS:-6}"
DURATION="${DURATION:-10}"
SCRAPES="${SCRAPES:-20}"
BENCH_JAR="${BENCH_JAR:-target/app.jar}"
BASE_PORT="${BASE_PORT:-18480}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

PIDS=()
work="$(mktemp -d)"
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CONF [ARGS...]: the jar in the background, its output in $work/NAME.log
start() {
  local name="$1" conf="$2"
  shift 2
  "$java" @conf/jvm.options -Dapp.home="$home" -jar "$BENCH_JAR" "$@" -conf "$conf" > "$work/$name.log" 2>&1 &
  PIDS+=("$!")
}

await_ok() {
  for _ in $(seq 1 600); do
    curl -sf "$1" > /dev/null && return 0
    sleep 0.1
  done
  echo "error: nothing answered $1" >&2
  exit 1
}

# rps PORT PID: one wrk run; prints its req/s and the server's CPU microseconds per request
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rps() {
  local before after out
  before=$(cpu_ticks "$2")
  out=$(wrk -t2 -c64 -d"${DURATION}s" "http://127.0.0.1:$1/hello")
  after=$(cpu_ticks "$2")
  local requests
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(awk -v t=$((after - before)) -v hz="$ticks" -v n="$requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

on_port=$BASE_PORT
off_port=$((BASE_PORT + 1))
start on '{"http":{"port":'"$on_port"'},"management":{"enabled":true,"port":0}}' -instances 0
on_pid=${PIDS[-1]}
start off '{"http":{"port":'"$off_port"'},"management":{"enabled":false}}' -instances 0
off_pid=${PIDS[-1]}
await_ok "http://127.0.0.1:$on_port/hello"
await_ok "http://127.0.0.1:$off_port/hello"
wrk -t2 -c64 -d5s "http://127.0.0.1:$on_port/hello" > /dev/null
wrk -t2 -c64 -d5s "http://127.0.0.1:$off_port/hello" > /dev/null

ratios=() on_cpu=() off_cpu=()
for r in $(seq 1 "$ROUNDS"); do
  if ((r % 4 == 1 || r % 4 == 0)); then
    read -r on on_us < <(rps "$on_port" "$on_pid"); read -r off off_us < <(rps "$off_port" "$off_pid")
  else
    read -r off off_us < <(rps "$off_port" "$off_pid"); read -r on on_us < <(rps "$on_port" "$on_pid")
  fi
  on_cpu+=("$on_us")
  off_cpu+=("$off_us")
  ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$ratio")
  echo "round $r: metrics on $on req/s (${on_cpu[-1]} us CPU/req), off $off req/s (${off_cpu[-1]} us CPU/req), ratio $ratio"
done
echo "/hello with metrics on: $(printf '%s\n' "${ratios[@]}" | median)x of metrics off (median of $ROUNDS rounds; target >= 0.95x)"
echo "server CPU per request, median: on $(printf '%s\n' "${on_cpu[@]}" | median) us, off $(printf '%s\n' "${off_cpu[@]}" | median) us"
for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done

launcher_http=$((BASE_PORT + 2))
launcher_metrics=$((BASE_PORT + 3))
start launcher '{"http":{"port":'"$launcher_http"'},"management":{"enabled":true,"port":'"$launcher_metrics"'},"supervisor":{"runDir":"'"$work"'/run"}}' -processes 2 -instances 1
for _ in $(seq 1 900); do
  [[ $(grep -c ' online (pid' "$work/launcher.log" || true) -ge 2 ]] && break
  sleep 0.1
done
await_ok "http://127.0.0.1:$launcher_metrics/metrics"
wrk -t2 -c16 -d3s "http://127.0.0.1:$launcher_http/hello" > /dev/null
for _ in $(seq 1 10); do curl -s -o /dev/null "http://127.0.0.1:$launcher_metrics/metrics"; done # warm-up, as Prometheus' steady scrapes are
times=()
for _ in $(seq 1 "$SCRAPES"); do
  times+=("$(curl -s -o "$work/scrape.txt" -w '%{time_total}' "http://127.0.0.1:$launcher_metrics/metrics")")
done
lines=$(grep -vc '^#' "$work/scrape.txt")
children=$(grep -o 'child="app-[^"]*"' "$work/scrape.txt" | sort -u | tr '\n' ' ')
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$SCRAPES" -v lines="$lines" -v children="$children" '
  { v[NR] = $1 * 1000 }
  END { printf "merged /metrics of a 2-child launcher: median %.1f ms, worst %.1f ms over %d scrapes (%d samples; %s) (target < 50 ms)\n",
        (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[NR], n, lines, children }'
