#!/usr/bin/env bash
# Measures the targets of DESIGN.md section 7 and prints each figure beside its baseline from the
# same run, with the target and PASS/MISS.
#
#   bench/bench.sh [single]      one JVM (-instances 0) against bench/RawHello.java (default)
#   bench/bench.sh cluster       several JVMs: runs bench/cluster.sh
#
# Only ratios taken in one run mean anything: on a small machine wrk shares the cores with the
# server, so absolute figures move from run to run. Template and baseline run alternately
# (ABBA order over the rounds) and the table shows the median of the rounds.
#
# Environment (defaults in brackets):
#   ROUNDS [3]            rounds per server; the table shows the median
#   DURATION [10]         seconds of each throughput run (wrk -t2 -c64)
#   LAT_SECS [5]          seconds of each latency run
#   WARMUP [3]            seconds of warm-up load before measuring a freshly started server
#   PACE_MS [10]          pause per connection between requests of the paced /hello probe (-c8)
#   APP_PORT [18180], RAW_PORT [18181]
#   BENCH_JAR [target/app.jar]  the fat jar to measure, e.g. one built from a clean
#                         `git archive` of a commit while others rebuild target/
#   APP_CONF []           passed to the template as -conf (a file or inline JSON), e.g.
#                         APP_CONF='{"jobs":{"workers":1}}' to leave a core to the event loops
#   KEEP_LOGS [0]         1 keeps the server logs and wrk outputs and prints their directory
#   QUIET_WAIT [180]      before each server, wait up to this many seconds for other processes
#                         to use under QUIET_PCT [15] % of the CPU; the table notes when they did not
#
# Needs wrk (Debian/Ubuntu: apt-get install -y wrk), curl and a JDK 17+. Sends traffic to
# 127.0.0.1 only. Every server and load generator it starts is stopped by pid on exit.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
BENCH="bench"
# shellcheck source=bench/lib.sh
source bench/lib.sh

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
LAT_SECS="${LAT_SECS:-5}"
WARMUP="${WARMUP:-3}"
PACE_MS="${PACE_MS:-10}"
APP_PORT="${APP_PORT:-18180}"
RAW_PORT="${RAW_PORT:-18181}"
KEEP_LOGS="${KEEP_LOGS:-0}"
APP_CONF="${APP_CONF:-}"
QUIET_WAIT="${QUIET_WAIT:-180}"
QUIET_PCT="${QUIET_PCT:-15}"
START_TIMEOUT_S=20           # a server not answering 200 by then is a failure
STOP_TIMEOUT_S=20            # SIGTERM, then SIGKILL after this long
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
javac="${JAVA_HOME:+$JAVA_HOME/bin/}javac"

# ---------------------------------------------------------------------------------------------
# process bookkeeping: every pid we start goes in PIDS (bench/lib.sh stops what is left on exit)

forget_pid() {
  local pid="$1" kept=() p
  for p in "${PIDS[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  PIDS=("${kept[@]+"${kept[@]}"}")
}

# ---------------------------------------------------------------------------------------------
# arithmetic and wrk output parsing

# A wrk duration (812.00us, 1.23ms, 2.00s, 1.00m) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/)      { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/)  { sub(/s$/, "", v);  printf "%.3f", v * 1000 }
    else if (v ~ /m$/)  { sub(/m$/, "", v);  printf "%.3f", v * 60000 }
    else if (v ~ /h$/)  { sub(/h$/, "", v);  printf "%.3f", v * 3600000 }
    else                { printf "nan" }
  }'
}

# wrk_pct FILE 99 -> the 99% line of the latency distribution, in ms
wrk_pct() {
  local raw
  raw="$(awk -v p="$2%" '$1 == p { print $2; exit }' "$1")"
  [[ -n "$raw" ]] && to_ms "$raw" || echo nan
}

# Results: R[key] holds one value per round, space separated.
declare -A R=()
record() { R[$1]="${R[$1]:-}$2 "; }
med() { local key="$1"; [[ -n "${R[$key]:-}" ]] || { echo nan; return; }; # shellcheck disable=SC2086
  median ${R[$key]}; }

NOTES=()
note() { NOTES+=("$*"); }

# ---------------------------------------------------------------------------------------------
# other load on the machine (builds and tests of other people share these cores)

# cpu_mark -> CPU_MARK="busy_s total_s ours_s": all CPU time used on the machine so far, all CPU time
# available so far (both from /proc/stat), and the CPU time of this script and every child it has
# reaped (servers after stop_server, wrk, curl). Two marks around a round give the share of the
# machine that other processes took during it.
HZ="$(getconf CLK_TCK)"
# Sets CPU_MARK; not for $(...), where `times` would report a fresh subshell.
CPU_MARK=""
cpu_mark() {
  local t
  times >"$work/times.txt"   # a builtin with a redirection runs in this shell: no fork
  t="$(tr '\n' ' ' <"$work/times.txt")"
  CPU_MARK="$(awk -v hz="$HZ" -v t="$t" '
    NR == 1 { for (i = 2; i <= NF; i++) { total += $i; if (i != 5 && i != 6) busy += $i } }
    END {
      n = split(t, f, " "); ours = 0
      for (i = 1; i <= n; i++) { v = f[i]; m = v; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", v); sub(/s$/, "", v); ours += m * 60 + v }
      printf "%.2f %.2f %.2f", busy / hz, total / hz, ours }' /proc/stat)"
}

# others_pct MARK1 MARK2 -> percent of the machine used by other processes between the marks
others_pct() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    total = y[2] - x[2]; others = (y[1] - x[1]) - (y[3] - x[3])
    if (others < 0) others = 0
    printf "%d", (total > 0 ? 100 * others / total : 0) }'
}

# wait_quiet LABEL: bounded wait for the machine to be idle enough; notes it when it was not.
wait_quiet() {
  quiet || note "$1 started while other processes used ${BUSY}% CPU"
  record "busy_before" "$BUSY"
}

# ---------------------------------------------------------------------------------------------
# load generation

# run_wrk NAME THREADS CONNS SECS URL [extra wrk args...] -> output in $work/NAME.txt.
# Not for $(...): it records notes in this shell.
run_wrk() {
  local name="$1" threads="$2" conns="$3" secs="$4" url="$5"
  shift 5
  local out="$work/$name.txt"
  wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 5s --latency "$@" "$url" >"$out" 2>&1 \
    || die "wrk failed for $name: $(tail -3 "$out")"
  local errors
  errors="$(wrk_errors "$out")"
  if [[ "$errors" != 0 ]]; then
    note "$name: $errors socket error(s) or non-2xx answer(s)"
  fi
}

# wrk pauses PACE_MS before each request of a connection, so -c8 is a light probe, not a flood.
make_pace_script() {
  cat >"$work/pace.lua" <<EOF
function delay()
  return $PACE_MS
end
EOF
}

# ---------------------------------------------------------------------------------------------
# servers: each start sets SERVER_PID and START_MS, the ms from launching java to the first 200
# on /hello. They run in this shell (never in $(...)) so that the pid stays ours to stop.

SERVER_PID=""
START_MS=""
STOP_RC=""

# wait_first_200 PID URL T0 -> ms since T0 (an \$EPOCHREALTIME) at the first 200
wait_first_200() {
  local pid="$1" url="$2" t0="$3" i code
  # Tight but bounded: about 5 ms between attempts, at most START_TIMEOUT_S seconds.
  for ((i = 0; i < START_TIMEOUT_S * 200; i++)); do
    code="$(curl -s -o /dev/null -w '%{http_code}' -m 1 "$url" 2>/dev/null || true)"
    if [[ "$code" == 200 ]]; then
      calc "($EPOCHREALTIME - $t0) * 1000" 0
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    (( ${EPOCHREALTIME%.*} - ${t0%.*} <= START_TIMEOUT_S )) || return 1
    sleep 0.005
  done
  return 1
}

start_app() {
  local logf="$1" t0
  t0="$EPOCHREALTIME"
  HTTP_PORT="$APP_PORT" "$java" "@$home/conf/jvm.options" -Dapp.home="$home" -jar "$jar" \
    -instances 0 ${APP_CONF:+-conf "$APP_CONF"} >"$logf" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  START_MS="$(wait_first_200 "$SERVER_PID" "http://127.0.0.1:$APP_PORT/hello" "$t0")" \
    || die "the template did not answer 200 on /hello within ${START_TIMEOUT_S}s: $(tail -5 "$logf")"
}

start_raw() {
  local logf="$1" t0
  t0="$EPOCHREALTIME"
  "$java" "@$home/conf/jvm.options" -cp "$jar:$work/raw" RawHello "$RAW_PORT" 0 >"$logf" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  START_MS="$(wait_first_200 "$SERVER_PID" "http://127.0.0.1:$RAW_PORT/hello" "$t0")" \
    || die "RawHello did not answer 200 within ${START_TIMEOUT_S}s: $(tail -5 "$logf")"
}

rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# stop_server PID -> STOP_RC, its exit status (SIGTERM, then SIGKILL after STOP_TIMEOUT_S)
stop_server() {
  local pid="$1" i rc=0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT_S * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  forget_pid "$pid"
  STOP_RC="$rc"
}

# ---------------------------------------------------------------------------------------------
# measurements (single JVM). Each takes a prefix (app/raw), a base url and the round number.

measure_throughput() {   # /hello req/s and p99 at -t2 -c64
  local who="$1" url="$2" r="$3" out
  run_wrk "$who-warm-$r" 2 64 "$WARMUP" "$url/hello"
  out="$work/$who-hello-c64-$r.txt"
  run_wrk "$who-hello-c64-$r" 2 64 "$DURATION" "$url/hello"
  record "$who.rps" "$(wrk_rps "$out")"
  record "$who.p99" "$(wrk_pct "$out" 99)"
}

measure_light() {        # /hello p50 at -t1 -c1: one request in flight, latency not queueing
  local who="$1" url="$2" r="$3" out
  out="$work/$who-hello-c1-$r.txt"
  run_wrk "$who-hello-c1-$r" 1 1 "$LAT_SECS" "$url/hello"
  record "$who.c1.p50" "$(wrk_pct "$out" 50)"
}

measure_offload() {      # /work/busy?ms=0 round trip over the event bus, -t1 -c1
  local who="$1" url="$2" r="$3" out
  run_wrk "$who-busy0-warm-$r" 1 4 "$WARMUP" "$url/work/busy?ms=0"
  out="$work/$who-busy0-c1-$r.txt"
  run_wrk "$who-busy0-c1-$r" 1 1 "$LAT_SECS" "$url/work/busy?ms=0"
  record "$who.offload.p50" "$(wrk_pct "$out" 50)"
  record "$who.offload.p99" "$(wrk_pct "$out" 99)"
}

measure_busy_latency() { # paced /hello probe, idle and then with every worker on a 200 ms job
  local who="$1" url="$2" r="$3" workers="$4" out bg bgpid
  out="$work/$who-hello-idle-$r.txt"
  run_wrk "$who-hello-idle-$r" 1 8 "$LAT_SECS" "$url/hello" -s "$work/pace.lua"
  record "$who.idle.p99" "$(wrk_pct "$out" 99)"
  record "$who.idle.rps" "$(wrk_rps "$out")"

  bg="$work/$who-busy200-bg-$r.txt"
  wrk -t1 -c"$workers" -d"$((LAT_SECS + 3))s" --timeout 5s --latency \
    "$url/work/busy?ms=200" >"$bg" 2>&1 &
  bgpid=$!
  PIDS+=("$bgpid")
  sleep 1.5   # every worker is inside a job by now
  out="$work/$who-hello-busy-$r.txt"
  run_wrk "$who-hello-busy-$r" 1 8 "$LAT_SECS" "$url/hello" -s "$work/pace.lua"
  wait "$bgpid" || die "background wrk failed: $(tail -3 "$bg")"
  forget_pid "$bgpid"
  record "$who.busy.p99" "$(wrk_pct "$out" 99)"
  record "$who.busy.rps" "$(wrk_rps "$out")"
  record "$who.busy.jobs_per_s" "$(wrk_rps "$bg")"
  local errors
  errors="$(wrk_errors "$bg")"
  [[ "$errors" == 0 ]] || note "$who-busy200-bg-$r: $errors error(s) or non-2xx answer(s)"
}

# One full pass over the template: start, load, RSS, SIGTERM.
round_app() {
  local r="$1" url="http://127.0.0.1:$APP_PORT" logf="$work/app-$r.log" pid workers i
  log "round $r: template (-instances 0)"
  start_app "$logf"
  pid="$SERVER_PID"
  record app.start_ms "$START_MS"
  workers=""
  for ((i = 0; i < 50; i++)); do
    workers="$(grep -o 'ready: .*' "$logf" | grep -oE '[0-9]+ worker\(s\)' | grep -oE '^[0-9]+' || true)"
    [[ -z "$workers" ]] || break
    sleep 0.1
  done
  [[ -n "$workers" ]] || die "no ready line in the template's log: $(tail -5 "$logf")"
  WORKERS="$workers"
  READY_LINE="$(grep -o 'ready: .*' "$logf" | head -1)"

  measure_throughput app "$url" "$r"
  measure_light app "$url" "$r"
  record app.rss_hello_mb "$(rss_mb "$pid")"
  measure_offload app "$url" "$r"
  measure_busy_latency app "$url" "$r" "$workers"
  record app.rss_mb "$(rss_mb "$pid")"
  stop_server "$pid"
  record app.exit "$STOP_RC"
}

round_raw() {
  local r="$1" url="http://127.0.0.1:$RAW_PORT" logf="$work/raw-$r.log" pid
  log "round $r: RawHello (one verticle per core)"
  start_raw "$logf"
  pid="$SERVER_PID"
  record raw.start_ms "$START_MS"
  RAW_READY_LINE="$(grep -o 'ready: .*' "$logf" | head -1 || true)"
  measure_throughput raw "$url" "$r"
  measure_light raw "$url" "$r"
  record raw.rss_hello_mb "$(rss_mb "$pid")"
  stop_server "$pid"
  record raw.exit "$STOP_RC"
}

# timed_round app|raw R: one round of that server, noting the CPU other processes took meanwhile
timed_round() {
  local who="$1" r="$2" m1 m2 pct
  wait_quiet "round $r $who"
  cpu_mark
  m1="$CPU_MARK"
  "round_$who" "$r"
  cpu_mark
  m2="$CPU_MARK"
  pct="$(others_pct "$m1" "$m2")"
  record "$who.others_pct" "$pct"
  ((pct < QUIET_PCT)) || note "round $r $who: other processes took ${pct}% of the machine during it"
}

# ---------------------------------------------------------------------------------------------
# the table

ROWS=()
# row MEASURE TEMPLATE BASELINE RATIO TARGET RESULT
row() { ROWS+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$@")"); }

verdict() { awk "BEGIN { exit !($1) }" && echo PASS || echo MISS; }

# pratio KEY_A KEY_B -> the median of the per-round ratios A/B, as "1.23x". Paired within a round,
# so that a round disturbed by other load moves both sides of its ratio together.
pratio() {
  local r
  # shellcheck disable=SC2046
  r="$(median $(paired_ratios "$1" "$2"))"
  [[ "$r" == nan ]] && echo nan || printf '%.2fx' "$r"
}
pr_num() { local r="${1%x}"; echo "$r"; }


# fmt N -> N with as many decimals as its size deserves (0 from 100, 1 from 10, else 3)
fmt() {
  awk -v v="$1" 'BEGIN { if (v == "nan") print v; else if (v >= 100) printf "%.0f", v;
    else if (v >= 10) printf "%.1f", v; else printf "%.3f", v }'
}

build_single_table() {
  local a b q
  a="$(med app.rps)"; b="$(med raw.rps)"; q="$(pratio app.rps raw.rps)"
  row "/hello req/s, -t2 -c64" "$(fmt "$a")" "$(fmt "$b") (raw)" "$q" ">= 0.9x" \
    "$(verdict "$(pr_num "$q") >= 0.9")"
  a="$(med app.p99)"; b="$(med raw.p99)"; q="$(pratio app.p99 raw.p99)"
  row "/hello p99 ms, -t2 -c64" "$(fmt "$a")" "$(fmt "$b") (raw)" "$q" "-" "info"
  a="$(med app.busy.p99)"; b="$(med app.idle.p99)"; q="$(pratio app.busy.p99 app.idle.p99)"
  row "/hello p99 ms, all ${WORKERS} workers busy (paced -c8)" "$(fmt "$a")" "$(fmt "$b") (idle)" "$q" "<= 3x" \
    "$(verdict "$(pr_num "$q") <= 3")"
  a="$(med app.offload.p50)"; b="$(med app.c1.p50)"; q="$(pratio app.offload.p50 app.c1.p50)"
  row "/work/busy?ms=0 p50 ms, -t1 -c1" "$(fmt "$a")" "$(fmt "$b") (/hello)" "$q" "< 1 ms" "$(verdict "$a < 1")"
  a="$(med app.c1.p50)"; b="$(med raw.c1.p50)"; q="$(pratio app.c1.p50 raw.c1.p50)"
  row "/hello p50 ms, -t1 -c1" "$(fmt "$a")" "$(fmt "$b") (raw)" "$q" "-" "info"
  a="$(med app.start_ms)"; b="$(med raw.start_ms)"; q="$(pratio app.start_ms raw.start_ms)"
  row "start to first 200, ms" "$(fmt "$a")" "$(fmt "$b") (raw)" "$q" "< 1000 ms" \
    "$(verdict "$a < 1000")"
  a="$(med app.rss_hello_mb)"; b="$(med raw.rss_hello_mb)"; q="$(pratio app.rss_hello_mb raw.rss_hello_mb)"
  row "RSS MB after the same /hello load" "$(fmt "$a")" "$(fmt "$b") (raw)" "$q" "report" "info"
  a="$(med app.rss_mb)"
  row "RSS MB after all of its load" "$(fmt "$a")" "-" "-" "report" "info"
}

print_table() {
  local header
  header="$(printf '%s\t%s\t%s\t%s\t%s\t%s' "measure" "template" "baseline" "ratio" "target" "result")"
  {
    echo "$header"
    printf '%s\n' "${ROWS[@]}"
  } | awk -F'\t' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
    END {
      for (r = 1; r <= n; r++) {
        line = "|"
        for (i = 1; i <= 6; i++) line = line sprintf(" %-" w[i] "s |", cell[r, i])
        print line
        if (r == 1) { line = "|"; for (i = 1; i <= 6; i++) { s = ""; for (k = 0; k < w[i] + 2; k++) s = s "-"; line = line s "|" } print line }
      }
    }'
}

# paired_ratios KEY_A KEY_B -> "a1/b1 a2/b2 ..." round by round
paired_ratios() {
  # shellcheck disable=SC2086
  awk -v a="${R[$1]:-}" -v b="${R[$2]:-}" 'BEGIN {
    n = split(a, x, " "); split(b, y, " ")
    for (i = 1; i <= n; i++) printf "%s ", (y[i] > 0 ? sprintf("%.2f", x[i] / y[i]) : "nan")
  }'
}

print_rounds() {
  local key
  echo
  echo "per-round values (rounds in run order; the table shows medians):"
  for key in app.rps raw.rps app.p99 raw.p99 app.idle.p99 app.busy.p99 app.idle.rps app.busy.rps \
      app.busy.jobs_per_s app.offload.p50 app.offload.p99 app.c1.p50 raw.c1.p50 \
      app.start_ms raw.start_ms app.rss_hello_mb raw.rss_hello_mb app.rss_mb app.exit raw.exit busy_before app.others_pct raw.others_pct; do
    printf '  %-20s %s\n' "$key" "${R[$key]:-}"
  done
  # Paired within a round (the two figures were taken minutes apart, not a run apart).
  printf '  %-20s %s\n' "ratio rps app/raw" "$(paired_ratios app.rps raw.rps)"
  printf '  %-20s %s\n' "ratio p99 busy/idle" "$(paired_ratios app.busy.p99 app.idle.p99)"
}

# ---------------------------------------------------------------------------------------------
# setup shared by every mode

prepare() {
  command -v wrk >/dev/null \
    || die "wrk is not installed. On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y wrk"
  command -v curl >/dev/null || die "curl is not installed (apt-get install -y curl)"
  command -v "$javac" >/dev/null || die "javac not found: a JDK 17+ is needed"

  local built="${BENCH_JAR:-$home/target/app.jar}"
  if [[ -z "${BENCH_JAR:-}" && ! -f "$built" ]]; then
    log "building $built ..."
    "$home/mvnw" -q -DskipTests package
  fi
  [[ -f "$built" ]] || die "no $built after the build"
  # Built only when missing (a build takes minutes here); say so when the sources are newer.
  STALE=""
  if [[ -z "${BENCH_JAR:-}" && -n "$(find "$home/src/main" "$home/pom.xml" -newer "$built" -print -quit 2>/dev/null)" ]]; then
    STALE=" (older than src/main or pom.xml: rebuild with ./mvnw -q -DskipTests package to measure the current sources)"
  fi

  local port
  for port in "$APP_PORT" "$RAW_PORT"; do
    if curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/" 2>/dev/null; then
      die "something already answers on 127.0.0.1:$port (set APP_PORT / RAW_PORT)"
    fi
  done

  work="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")"
  # A private copy: a rebuild of target/ during the run would otherwise swap classes under a
  # running JVM (seen here: a node that could no longer drain after its jar was rewritten).
  jar="$work/app.jar"
  cp "$built" "$jar"
  JAR_INFO="${built#"$home/"} built $(date -u -r "$built" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$jar" | cut -c1-12)"
  # RawHello compiled once, so its start time is not charged with the source launcher's javac.
  mkdir -p "$work/raw"
  "$javac" -nowarn -cp "$jar" -d "$work/raw" "$home/bench/RawHello.java" \
    || die "bench/RawHello.java does not compile"
  make_pace_script
}

print_header() {
  local mode="$1"
  echo "bench/bench.sh $mode — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
    "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
  echo "java: $("$java" -version 2>&1 | head -1)"
  echo "jar: $JAR_INFO; working tree at git $(git -C "$home" rev-parse --short HEAD 2>/dev/null || echo '?')${STALE}"
  echo "heap flags (conf/jvm.options, both servers): $(grep -E '^-X' "$home/conf/jvm.options" | tr '\n' ' ')"
  [[ -z "$APP_CONF" ]] || echo "template config override: -conf $APP_CONF"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---------------------------------------------------------------------------------------------
# modes

run_single() {
  prepare
  print_header single
  WORKERS="?"
  READY_LINE=""
  RAW_READY_LINE=""
  local r
  for ((r = 1; r <= ROUNDS; r++)); do
    # ABBA: odd rounds start with the template, even rounds with the baseline.
    if ((r % 2)); then timed_round app "$r"; timed_round raw "$r"; else timed_round raw "$r"; timed_round app "$r"; fi
  done
  local rc
  for rc in ${R[app.exit]:-}; do
    [[ "$rc" == 0 ]] || note "the template exited $rc after SIGTERM (expected 0 after its drain; 137 = killed after ${STOP_TIMEOUT_S}s)"
  done
  note "RawHello has no SIGTERM handler, so its exit status is the JVM's default 143"
  echo "template: $READY_LINE"
  echo "baseline: $RAW_READY_LINE"
  echo "load: wrk -t2 -c64 ${DURATION}s after ${WARMUP}s warm-up; latency probes ${LAT_SECS}s;" \
    "paced probe = wrk -t1 -c8 with ${PACE_MS} ms between requests per connection;" \
    "busy = wrk -t1 -c${WORKERS} on /work/busy?ms=200 alongside"
  echo "figures: median of $ROUNDS round(s), template and baseline alternating; ratio = median of the per-round ratios; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  build_single_table
  print_table
  print_rounds
  if ((${#NOTES[@]})); then
    echo
    echo "notes:"
    printf '  %s\n' "${NOTES[@]}"
  fi
}

# Cluster mode: bench/cluster.sh (written apart) measures -processes 2 against one JVM; this entry
# hands over to it so that `bench/bench.sh cluster` keeps working. Figures to fold in here later
# would reuse the measure_* functions above, which take a url and a prefix.
run_cluster() {
  [[ -f "$home/bench/cluster.sh" ]] || die "cluster mode is not written yet (bench/bench.sh single measures the single JVM)"
  exec bash "$home/bench/cluster.sh" "$@"
}

main() {
  case "${1:-single}" in
    single) run_single ;;
    cluster) run_cluster ;;
    -h | --help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown mode '$1' (single | cluster)" ;;
  esac
}

# One line, parsed whole before it runs: editing this file during a run cannot change the run.
main "$@"; exit $?
