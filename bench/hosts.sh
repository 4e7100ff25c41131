#!/usr/bin/env bash
# Several hosts on one machine (issue 10): three network namespaces on a bridge, each with its own
# address and its own launcher (-processes 1 -instances 1, conf/cluster-hosts.xml with these
# addresses, one shared identity, -cluster-host its address, HTTP on its address). Measures:
#   time to one cluster: launch to every child online and jobs sent on host 1 running on hosts 2, 3
#     (a job's reply names the node that ran it: "node": "app-1.1@<launcher id>")
#   job round trip p50 and jobs/s, a cluster member on host 1 to the node on host 1 (across
#     processes) and to the node on host 2 (across hosts)                  (bench/RoundTrip.java)
#   host 3's link cut (its veth down): time until hosts 1 and 2 drop it (their "Members {size:N"
#     log lines), and what HTTP clients of hosts 1 and 2 see meanwhile: failed requests, slowest,
#     any held for the detection time (check: none failed, none held)
#   host 3's own side: time until its members list only themselves (then the link is restored)
#   the link restored: time until one cluster again (every member listed) with jobs flowing both
#     ways (host 1 -> host 3, host 3 -> hosts 1 and 2), with no manual step
#   host 3 killed outright (kill -9 of every process in its namespace): the same, then host 3's
#     launcher started again and the time until it is back in, jobs flowing
#
#   bench/hosts.sh              the whole run (about 5 minutes on 2 busy cores)
#   bench/hosts.sh check        what SeveralHostsIT runs: no round trips, no kill; exits 1 saying
#                               what failed
#
# Environment: SUBNET [10.0.0] (the hosts' /24, .11 .12 .13; it exists only inside the namespaces
# and their bridge, so it never meets this machine's own networks), WAIT [120] seconds for each
# bounded wait, NO_HEARTBEAT_S / HEARTBEAT_S (override conf/cluster-hosts.xml's failure detector,
# to compare settings), ATTEMPT_TIMEOUT_MS (overrides jobs.attemptTimeoutMs), KEEP (set: keep the
# logs and print where).
#
# Linux, as root, with ip(8) and curl. Every namespace, the bridge and every process it starts
# are removed on exit. This kernel may lack the netem queueing discipline: then no delay is added
# between the hosts, and the run says so (their links are veth pairs: microseconds apart).
set -euo pipefail

home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
MODE="${1:-bench}"
SUBNET="${SUBNET:-10.0.0}"
WAIT="${WAIT:-120}"
PORT=8080 # each host has its own network stack: the port is free there
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$home/target/app.jar"
work="$(mktemp -d)"
tag="vth$$"
hub="$tag-br" # the bridge lives in a namespace of its own, away from the host's firewall
HOSTS=(1 2 3)

die() { echo "hosts bench: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S.%3N)] $*" >&2; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
ns() { echo "$tag-$1"; }
addr() { echo "$SUBNET.1$1"; }
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }

# Stops every process in the namespaces (TERM, then KILL after 10 s), then removes them.
cleanup() {
  local h i pids
  for h in "${HOSTS[@]}"; do
    pids="$(ip netns pids "$(ns "$h")" 2>/dev/null || true)"
    [[ -n "$pids" ]] && kill -TERM $pids 2>/dev/null || true
  done
  for ((i = 0; i < 100; i++)); do
    pids=""
    for h in "${HOSTS[@]}"; do pids+="$(ip netns pids "$(ns "$h")" 2>/dev/null || true) "; done
    [[ -z "${pids// /}" ]] && break
    sleep 0.1
  done
  for h in "${HOSTS[@]}"; do
    pids="$(ip netns pids "$(ns "$h")" 2>/dev/null || true)"
    [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null || true
    ip netns del "$(ns "$h")" 2>/dev/null || true
  done
  ip netns del "$hub" 2>/dev/null || true
  if [[ -n "${KEEP:-}" ]]; then echo "hosts bench: logs kept in $work" >&2; else rm -rf "$work"; fi
}

[[ "$(id -u)" == 0 ]] || die "needs root (network namespaces)"
command -v ip >/dev/null || die "needs ip(8) (iproute2)"
command -v curl >/dev/null || die "needs curl"
[[ -f "$jar" ]] || die "no $jar: build first (./mvnw -DskipTests package)"
[[ "$SUBNET" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "SUBNET is the first three octets of a /24, e.g. 10.0.0"
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the network: hosts 1-3, each a namespace with eth0 on one bridge -----------------------------
ip netns add "$hub"
ip -n "$hub" link add br0 type bridge
ip -n "$hub" link set br0 up
for h in "${HOSTS[@]}"; do
  ip netns add "$(ns "$h")"
  ip -n "$(ns "$h")" link set lo up
  ip link add "$tag-$h" netns "$hub" type veth peer name eth0 netns "$(ns "$h")"
  ip -n "$hub" link set "$tag-$h" master br0 up
  ip -n "$(ns "$h")" addr add "$(addr "$h")/24" dev eth0
  ip -n "$(ns "$h")" link set eth0 up
done
if ip netns exec "$(ns 1)" tc qdisc add dev eth0 root netem delay 1ms 2>/dev/null; then
  ip netns exec "$(ns 1)" tc qdisc del dev eth0 root
  netem="available (no delay added)"
else
  netem="not in this kernel: no delay added between hosts"
fi
log "hosts $(addr 1) $(addr 2) $(addr 3) in namespaces $(ns 1)..3; netem $netem"

# --- the configuration: conf/cluster-hosts.xml with these addresses, one identity -----------------
members=""
for h in "${HOSTS[@]}"; do members+="        <member>$(addr "$h")</member>\n"; done
sed -e '/<member>10\.0\.0\.1[0-9]<\/member>/d' -e "s|\(<tcp-ip enabled=\"true\">\)|\1\n$members|" \
  ${NO_HEARTBEAT_S:+-e "s|\(max.no.heartbeat.seconds\">\)[0-9]*|\1$NO_HEARTBEAT_S|"} \
  ${HEARTBEAT_S:+-e "s|\(heartbeat.interval.seconds\">\)[0-9]*|\1$HEARTBEAT_S|"} \
  conf/cluster-hosts.xml >"$work/cluster-hosts.xml"
[[ "$(grep -c '<member>' "$work/cluster-hosts.xml")" == 3 ]] || die "could not rewrite the members of conf/cluster-hosts.xml"
# Hazelcast's membership lines (kept at WARN in conf/logback.xml) date each drop and merge.
sed -e 's|\(name="com.hazelcast.internal.cluster.impl.MembershipManager" level=\)"ERROR"|\1"INFO"|' \
  -e 's|<logger name="com.hazelcast" level="WARN"/>|&\n  <logger name="com.hazelcast.internal.cluster" level="INFO"/>|' \
  conf/logback.xml >"$work/logback.xml"
"$java" @conf/jvm.options -Dapp.home="$home" -jar "$jar" identity "$work/identity" >/dev/null
detector="$(sed -n 's/.*"hazelcast.\(max.no.heartbeat.seconds\|heartbeat.interval.seconds\|merge.next.run.delay.seconds\)">\([0-9]*\)<.*/\1=\2/p' \
  "$work/cluster-hosts.xml" | tr '\n' ' ')"
log "failure detector: $detector"

conf_of() {
  cat <<EOF
{"http": {"host": "$(addr "$1")", "port": $PORT},
 "cluster": {"configFile": "$work/cluster-hosts.xml"},
 "jobs": {${ATTEMPT_TIMEOUT_MS:+"attemptTimeoutMs": $ATTEMPT_TIMEOUT_MS}},
 "supervisor": {"runDir": "$work/run-$1"}}
EOF
}

# launch H: host H's launcher, in its namespace, its output appended to $work/host-H.log
launch() {
  conf_of "$1" >"$work/conf-$1.json"
  ip netns exec "$(ns "$1")" "$java" @conf/jvm.options -Dlogback.configurationFile="$work/logback.xml" \
    -Dapp.home="$home" -jar "$jar" -processes 1 -instances 1 -conf "$work/conf-$1.json" \
    -cluster-host "$(addr "$1")" -cluster-identity "$work/identity" >>"$work/host-$1.log" 2>&1 &
  disown # its death by kill -9 is the point, not news
  until_true 10 has_processes "$1" || die "host $1's launcher did not start: $(tail -3 "$work/host-$1.log")"
}

has_processes() { [[ -n "$(ip netns pids "$(ns "$1")")" ]]; }

# launcher_id H: the id in host H's children's names (app-1.1@ID), from its launcher's first line
launcher_id() { sed -n 's/.*launcher \([0-9a-f]*\) (pid [0-9]*).*/\1/p' "$work/host-$1.log" | tail -1; }

# nodes_seen FROM N: the node names that ran N jobs sent to host FROM's HTTP port
nodes_seen() {
  local urls=() i
  for ((i = 0; i < $2; i++)); do urls+=("http://$(addr "$1"):$PORT/work/busy?ms=0"); done
  ip netns exec "$(ns "$1")" curl -s --max-time 5 "${urls[@]}" 2>/dev/null \
    | grep -o '"node":"[^"]*"' | sort -u | tr '\n' ' ' || true
}

# reaches FROM TO...: whether jobs sent on host FROM ran on every host TO (9 jobs: round robin)
reaches() {
  local from="$1" seen to id
  shift
  seen="$(nodes_seen "$from" 9)"
  for to in "$@"; do
    id="$(launcher_id "$to")"
    [[ -n "$id" && "$seen" == *"@$id\""* ]] || return 1
  done
}

# members_at H SINCE: "MS SIZE" for each "Members {size:N" line in host H's log at or after SINCE
# (ms since midnight, local time: the log's clock), in order
members_at() {
  awk -v since="$2" '
    match($0, /[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] /) {
      split(substr($0, RSTART, 12), t, /[:.]/); at = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]
    }
    /Members \{size:/ && at >= since { s = $0; sub(/.*size:/, "", s); sub(/,.*/, "", s); print at, s }
  ' "$work/host-$1.log"
}
midnight_ms() { local t; t="$(date +%H:%M:%S.%3N)"; awk -v t="$t" 'BEGIN { split(t, a, /[:.]/); print ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }'; }

# dropped_at H SINCE SIZE: ms since midnight at which host H's members first listed SIZE, or empty
dropped_at() { members_at "$1" "$2" | awk -v n="$3" '$2 == n { print $1; exit }'; }

# until_true SECONDS CMD...: runs CMD every 0.2 s until it succeeds; fails after SECONDS
until_true() {
  local limit=$(( SECONDS + $1 ))
  shift
  while ((SECONDS < limit)); do "$@" && return 0; sleep 0.2; done
  return 1
}

all_online() {
  local h
  for h in "${HOSTS[@]}"; do
    [[ -n "$(ip netns pids "$(ns "$h")")" ]] || die "host $h's launcher exited: $(tail -3 "$work/host-$h.log")"
    grep -q ' online (pid' "$work/host-$h.log" 2>/dev/null || return 1
  done
}
formed() { all_online && reaches 1 2 3 && reaches 2 1 3 && reaches 3 1 2; }

# probe H STOPFILE: sequential HTTP jobs on host H, 10 per curl (one connection), until STOPFILE
# exists; one "CODE SECONDS START" line per request in $work/probe-H (START: seconds of the day)
probe() {
  local args=() i
  for ((i = 0; i < 10; i++)); do args+=(-o /dev/null "http://$(addr "$1"):$PORT/work/busy?ms=0"); done
  for ((i = 0; i < 3000; i++)); do
    [[ -e "$2" ]] && return 0
    ip netns exec "$(ns "$1")" curl -s --max-time 30 -w '%{http_code} %{time_total} '"$(date +%H:%M:%S.%N)"'\n' "${args[@]}" \
      >>"$work/probe-$1" 2>/dev/null || true
  done
}
PROBES=()
start_probes() {
  rm -f "$work/stop"
  probe 1 "$work/stop" & PROBES+=($!)
  probe 2 "$work/stop" & PROBES+=($!)
}
# stop_probes HOW HELD_MS: keeps the probes' lines as probe-H-HOW; sets PROBE_N, PROBE_FAILED,
# PROBE_MAX_MS (the slowest request), PROBE_HELD (requests that took HELD_MS or longer)
stop_probes() {
  touch "$work/stop"
  local pid
  for pid in "${PROBES[@]}"; do wait "$pid" || true; done
  PROBES=()
  mv "$work/probe-1" "$work/probe-1-$1"
  mv "$work/probe-2" "$work/probe-2-$1"
  read -r PROBE_N PROBE_FAILED PROBE_MAX_MS PROBE_HELD < <(cat "$work/probe-1-$1" "$work/probe-2-$1" \
    | awk -v held="$2" '{ n++; if ($1 != 200) f++; if ($2 > m) m = $2; if ($2 * 1000 >= held) h++ }
                        END { printf "%d %d %.0f %d\n", n, f, m * 1000, h }')
}

# loss HOW: host 3 lost (HOW = cut | kill) under HTTP probes on hosts 1 and 2; sets DETECT_MS
loss() {
  local before t0 at1 at2
  before="$(midnight_ms)"
  start_probes
  sleep 2 # requests before the loss, to compare
  t0="$(midnight_ms)"
  if [[ "$1" == cut ]]; then
    ip -n "$(ns 3)" link set eth0 down
  else
    kill -KILL $(ip netns pids "$(ns 3)")
  fi
  log "host 3 $1 at $(date +%H:%M:%S.%3N)"
  until_true "$WAIT" eval '[[ -n "$(dropped_at 1 $t0 $((TOTAL - PER_HOST)))" && -n "$(dropped_at 2 $t0 $((TOTAL - PER_HOST)))" ]]' \
    || { stop_probes "$1" 0; die "host 3 $1: hosts 1 and 2 did not drop it within $WAIT s"; }
  at1="$(dropped_at 1 "$t0" $((TOTAL - PER_HOST)))"
  at2="$(dropped_at 2 "$t0" $((TOTAL - PER_HOST)))"
  DETECT_MS=$(( (at1 > at2 ? at1 : at2) - t0 ))
  sleep 3 # requests after the drop too
  stop_probes "$1" "$DETECT_MS"
  if [[ "$1" == cut ]]; then
    # The cut-off side splits off too, more slowly: its members must first agree on a new master.
    until_true "$WAIT" eval '[[ -n "$(dropped_at 3 $t0 $PER_HOST)" ]]' || die "host 3 did not split off within $WAIT s"
    ISOLATED_MS=$(( $(dropped_at 3 "$t0" "$PER_HOST") - t0 ))
    log "host 3 cut: its own members listed only themselves after $ISOLATED_MS ms"
  fi
  log "host 3 $1: dropped by hosts 1 and 2 after $DETECT_MS ms (host 1 $((at1 - t0)), host 2 $((at2 - t0)));" \
    "HTTP on hosts 1-2 meanwhile: $PROBE_N requests, $PROBE_FAILED failed, slowest $PROBE_MAX_MS ms, $PROBE_HELD held $DETECT_MS ms or longer"
  [[ "$PROBE_FAILED" == 0 ]] || CHECKS_FAILED+=("host 3 $1: $PROBE_FAILED HTTP requests on hosts 1-2 failed")
  ((PROBE_HELD == 0)) || CHECKS_FAILED+=("host 3 $1: $PROBE_HELD HTTP requests on hosts 1-2 were held for the detection time")
}

# back: waits until one cluster of TOTAL members again, jobs flowing both ways; sets BACK_MS
# (from T0_BACK, ms since midnight) and MEMBERS_MS (the first log line listing every member)
back() {
  until_true "$WAIT" eval '[[ -n "$(dropped_at 1 $T0_BACK $TOTAL)" ]] && reaches 1 2 3 && reaches 3 1 2 && reaches 2 1 3' \
    || die "$1: not one cluster with jobs flowing both ways within $WAIT s (host 1's members since: $(members_at 1 "$T0_BACK" | tr '\n' ' '))"
  BACK_MS=$(( $(midnight_ms) - T0_BACK ))
  MEMBERS_MS=$(( $(dropped_at 1 "$T0_BACK" "$TOTAL") - T0_BACK ))
  log "$1: every member listed after $MEMBERS_MS ms, jobs flowing both ways after $BACK_MS ms"
}

CHECKS_FAILED=()

# --- 1. one cluster ------------------------------------------------------------------------------
t0="$EPOCHREALTIME"
for h in "${HOSTS[@]}"; do launch "$h"; done
until_true "$WAIT" formed || die "no single cluster within $WAIT s: $(tail -5 "$work/host-1.log")"
FORM_MS="$(calc "($EPOCHREALTIME - $t0) * 1000" 0)"
TOTAL="$(members_at 1 0 | tail -1 | cut -d' ' -f2)"
PER_HOST=$(( TOTAL / 3 ))
log "one cluster after $FORM_MS ms: $TOTAL members; jobs sent on each host run on the two others" \
  "($(nodes_seen 1 6))"

# --- 2. round trips ------------------------------------------------------------------------------
if [[ "$MODE" == bench ]]; then
  rt_conf="{\"cluster\": {\"configFile\": \"$work/cluster-hosts.xml\", \"identityDir\": \"$work/identity\", \"host\": \"$(addr 1)\"}}"
  roundtrip() {
    ip netns exec "$(ns 1)" "$java" @conf/jvm.options -cp "$jar" bench/RoundTrip.java cluster "$rt_conf" "@$(launcher_id "$1")" \
      2>/dev/null | grep '^roundtrip' || die "RoundTrip to host $1 failed"
  }
  local_line="$(roundtrip 1)"
  cross_line="$(roundtrip 2)"
  field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"; }
  log "a member on host 1 to the node on host 1 (across processes): $local_line"
  log "a member on host 1 to the node on host 2 (across hosts):     $cross_line"
fi

# --- 3. host 3's link cut, then restored -----------------------------------------------------------
loss cut
CUT_MS="$DETECT_MS" CUT_N="$PROBE_N" CUT_FAILED="$PROBE_FAILED" CUT_MAX="$PROBE_MAX_MS"
T0_BACK="$(midnight_ms)"
ip -n "$(ns 3)" link set eth0 up
log "host 3's link restored"
back "link restored"
MERGE_MS="$BACK_MS" MERGE_MEMBERS_MS="$MEMBERS_MS"

# --- 4. host 3 killed outright, then started again -------------------------------------------------
if [[ "$MODE" == bench ]]; then
  loss kill
  KILL_MS="$DETECT_MS" KILL_N="$PROBE_N" KILL_FAILED="$PROBE_FAILED" KILL_MAX="$PROBE_MAX_MS"
  until_true 30 eval '[[ -z "$(ip netns pids "$(ns 3)")" ]]' || die "host 3's processes outlived kill -9"
  : >"$work/host-3.log"
  T0_BACK="$(midnight_ms)"
  launch 3
  back "host 3 started again"
  REJOIN_MS="$BACK_MS"
fi

if ((${#CHECKS_FAILED[@]})); then
  printf 'check failed: %s\n' "${CHECKS_FAILED[@]}" >&2
fi
echo
if [[ "$MODE" == bench ]]; then
  echo "hosts: one cluster ${FORM_MS} ms; job p50 across hosts $(field "$cross_line" p50_ms) ms vs across processes" \
    "$(field "$local_line" p50_ms) ms, jobs/s $(field "$cross_line" rps) vs $(field "$local_line" rps);" \
    "link cut: dropped after ${CUT_MS} ms, HTTP ${CUT_FAILED}/${CUT_N} failed, slowest ${CUT_MAX} ms;" \
    "host 3 split off after ${ISOLATED_MS} ms; merged ${MERGE_MS} ms after restore (members ${MERGE_MEMBERS_MS} ms); kill -9: dropped after ${KILL_MS} ms," \
    "HTTP ${KILL_FAILED}/${KILL_N} failed, slowest ${KILL_MAX} ms; back ${REJOIN_MS} ms after restart;" \
    "detector $detector; netem $netem"
else
  echo "hosts check: one cluster ${FORM_MS} ms; link cut: dropped after ${CUT_MS} ms, HTTP ${CUT_FAILED}/${CUT_N} failed," \
    "slowest ${CUT_MAX} ms; merged ${MERGE_MS} ms after restore; ${#CHECKS_FAILED[@]} check(s) failed"
fi
((${#CHECKS_FAILED[@]} == 0))
