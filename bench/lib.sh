# What the benchmark scripts share; sourced by bench/*.sh, never run. Each script sets BENCH (its
# name in error lines) before sourcing it, puts every process it starts in PIDS and its scratch
# directory in work; on exit, however it exits, whatever is left of them is stopped by pid and
# removed (KEEP_LOGS=1 keeps the directory and prints where it is).
#
# Settings a script may set before calling these (defaults in brackets): STOP_TIMEOUT_S [30],
# seconds between a process's SIGTERM and its SIGKILL; QUIET_WAIT [120] and QUIET_PCT [20], how
# long quiet waits for other processes to use under QUIET_PCT % of the CPUs.

PIDS=()
work=""

cleanup() {
  local pid i
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
    for ((i = 0; i < ${STOP_TIMEOUT_S:-30} * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -n "$work" && -d "$work" ]]; then
    if [[ "${KEEP_LOGS:-0}" == 1 ]]; then
      echo "logs kept in $work" >&2
    else
      rm -rf "$work"
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "${BENCH:-bench}: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# current_jar JAR: dies unless JAR is there and newer than src/main and pom.xml (run from the
# project's home): a benchmark measures the sources as they are, and bin/run.sh would otherwise
# rebuild in the middle of one.
current_jar() {
  [[ -f "$1" ]] || die "no $1: build first (./mvnw -DskipTests package)"
  [[ -z "$(find src/main pom.xml -newer "$1" -print -quit)" ]] \
    || die "target/ is older than the sources: build first (./mvnw -DskipTests package)"
}

# calc EXPR [DECIMALS] -> EXPR worked out by awk, with DECIMALS [2] decimals
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# median VALUES... -> their median; "nan" values are left out, and none at all gives "nan"
median() {
  printf '%s\n' "$@" | { grep -v '^nan$' || true; } | sort -g | awk '
    { v[NR] = $1 }
    END { if (NR == 0) { print "nan"; exit }
          if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wrk_rps FILE -> the requests per second of a wrk output, or "nan" when it has none
wrk_rps() { awk '/^Requests\/sec:/ { print $2; found = 1 } END { if (!found) print "nan" }' "$1"; }

# wrk_errors FILE -> socket errors plus non-2xx/3xx answers: a run with any is reported, not
# silently averaged
wrk_errors() {
  awk '/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
       /Non-2xx or 3xx responses:/ { n += $5 }
       END { print n + 0 }' "$1"
}

# Percent of all CPU time used over one second, by anything (call it while none of ours runs).
cpu_busy_pct() {
  local a b
  a="$(head -1 /proc/stat)"
  sleep 1
  b="$(head -1 /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN {
    n = split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= n; i++) { d = y[i] - x[i]; total += d; if (i == 5 || i == 6) idle += d }
    printf "%d", (total > 0 ? 100 * (total - idle) / total : 0) }'
}

# quiet: waits, up to QUIET_WAIT seconds, until the CPUs are less than QUIET_PCT % busy; sets BUSY
# to the last reading, and returns 1 (say so, then measure anyway) if they never were
quiet() {
  local deadline=$((SECONDS + ${QUIET_WAIT:-120}))
  BUSY="$(cpu_busy_pct)"
  ((BUSY < ${QUIET_PCT:-20})) && return 0
  log "other processes use ${BUSY}% CPU; waiting up to ${QUIET_WAIT:-120}s for under ${QUIET_PCT:-20}%"
  while ((SECONDS < deadline)); do
    sleep 4
    BUSY="$(cpu_busy_pct)"
    ((BUSY < ${QUIET_PCT:-20})) && return 0
  done
  log "still ${BUSY}% busy after ${QUIET_WAIT:-120}s: measuring anyway"
  return 1
}
