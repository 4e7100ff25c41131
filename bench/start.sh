#!/usr/bin/env bash
# Start of a supervised cluster as a user starts it: from `bin/run.sh -processes 2 -instances 1`
# to every child online (two ` online (pid` lines), and the CPU each process used to get there
# (launcher, and each child, read from /proc at that moment). With BEFORE_HOME (another built
# checkout), its rounds alternate with this one's, so both see the same machine.
#
#   bench/start.sh                    (ROUNDS [7], PORT [18380], BEFORE_HOME [none])
#
# Each home starts from its own run directory (run/) and class-data archive; the first round of
# a build records the archive and is reported apart, not in the medians. Traffic: none; every
# process it starts is stopped by pid on exit. The last line is the summary.
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
BENCH="start bench"
# shellcheck source=bench/lib.sh
source bench/lib.sh
ROUNDS="${ROUNDS:-7}"
PORT="${PORT:-18380}"
BEFORE_HOME="${BEFORE_HOME:-}"

[[ -f target/app.jar ]] || die "build first: ./mvnw -B package -DskipTests"
if [[ -n "$BEFORE_HOME" ]]; then
  [[ -x "$BEFORE_HOME/bin/run.sh" && -f "$BEFORE_HOME/target/app.jar" ]] || die "BEFORE_HOME must be a built checkout"
fi
work="$(mktemp -d)"

# cpu_s PID -> user + system CPU seconds the process has used
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# one_start HOME LABEL: starts, waits for every child online, records, stops; prints
# "LABEL ms launcher-cpu child-cpu child-cpu"
one_start() {
  local dir="$1" label="$2" t0 pid i ms children=() cpu=() child
  quiet || true
  t0="$EPOCHREALTIME"
  HTTP_PORT="$PORT" "$dir/bin/run.sh" -processes 2 -instances 1 >"$work/$label.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for ((i = 0; i < 12000; i++)); do
    if [[ "$(grep -c ' online (pid' "$work/$label.log")" -ge 2 ]]; then
      ms="$(calc "($EPOCHREALTIME - $t0) * 1000" 0)"
      break
    fi
    kill -0 "$pid" 2>/dev/null || die "$label: the launcher exited: $(tail -5 "$work/$label.log")"
    sleep 0.005
  done
  [[ -n "${ms:-}" ]] || die "$label: the children were not online within 60 s"
  mapfile -t children < <(sed -n 's/.* online (pid \([0-9]*\),.*/\1/p' "$work/$label.log")
  cpu+=("$(cpu_s "$pid")")
  for child in "${children[@]}"; do cpu+=("$(cpu_s "$child" 2>/dev/null || echo nan)"); done
  kill -TERM "$pid"
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  echo "$label $ms ${cpu[*]}"
}

homes=("$home")
[[ -n "$BEFORE_HOME" ]] && homes=("$BEFORE_HOME" "$home")
declare -A online launcher child
for dir in "${homes[@]}"; do
  label="$([[ "$dir" == "$home" ]] && echo after || echo before)"
  read -r _ ms l c1 c2 < <(one_start "$dir" "$label")
  log "$label, first round (may record the class-data archive): ${ms} ms to every child online"
done
for ((round = 1; round <= ROUNDS; round++)); do
  for dir in "${homes[@]}"; do
    label="$([[ "$dir" == "$home" ]] && echo after || echo before)"
    read -r _ ms l c1 c2 < <(one_start "$dir" "$label")
    log "$label round $round: ${ms} ms to every child online; CPU s: launcher $l, children $c1 $c2"
    online[$label]+="$ms "
    launcher[$label]+="$l "
    child[$label]+="$c1 $c2 "
  done
done

summary=""
for label in before after; do
  [[ -n "${online[$label]:-}" ]] || continue
  # shellcheck disable=SC2086 # lists of numbers
  line="$label: every child online median $(median ${online[$label]}) ms (${online[$label]% }), launcher CPU $(median ${launcher[$label]}) s, child CPU $(median ${child[$label]}) s"
  echo "$line"
  summary+="${summary:+; }$line"
done
echo "start: $summary"
