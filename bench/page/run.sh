#!/usr/bin/env bash
# Page benchmark of `stackdex serve --demo` (a benchmark, not a test).
#
#   bench/page/run.sh [-n RUNS] [-d DURATION] [-c CONNECTIONS] [-s SCALE] [-t BUILD_TIMEOUT_S]
#                     [-B] [-P] [-S] [-k]
#
#   -n RUNS           wrk runs per target, alternating, median reported (default 3)
#   -d DURATION       wrk duration of one run (default 10s)
#   -c CONNECTIONS    connections of the throughput runs (default 64)
#   -s SCALE          the --demo-scale compared with scale 1 (default 10)
#   -t SECONDS        how long one demo build may take before that part is given up (default 600)
#   -B                do not build (use target/release/stackdex, or $STACKDEX_BIN, as it is)
#   -P                skip PostgreSQL     -S  skip the scale comparison
#   -k                keep the work folder (wrk outputs, server logs, nginx config)
#
# What it does:
#   1. cargo build --release -p stackdex
#   2. SQLite: serves the demo from a fresh temporary data folder, saves the bytes of
#      /stackups/django-vs-rust, serves those same bytes with nginx (its own minimal config
#      in the work folder, `worker_processes auto;`, `daemon off;`, a free port, run as the
#      current user), and loads both with `wrk -t1 -c64 -d10s --latency`, RUNS runs each,
#      alternating (after one short warm-up each); median req/s and median p99.
#   3. The same on PostgreSQL: a fresh database made with psql on
#      postgres://postgres@127.0.0.1:5432 ($BENCH_PG_URL changes the server), dropped at the end.
#   4. Latency of the page with --demo-scale SCALE against scale 1 (SQLite), with
#      `wrk -t1 -c1 -d10s --latency`: median of the per-run medians (p50), and their ratio.
#   Each database is measured twice: for an anonymous visitor, and for a signed-in one (a user
#   signed up through the form, following Django; the page then carries its personal part).
#   It prints a markdown table with the targets beside the figures: stackdex at least 0.8x
#   nginx's req/s anonymous and 0.5x signed in, p99 at most 5 ms, scale-SCALE latency at most
#   1.2x scale 1.
#
# Installs nginx, wrk, curl and the PostgreSQL client with apt-get when missing. Everything it
# starts is stopped on exit (also on Ctrl-C or failure) and its temporary folders removed.
set -euo pipefail

RUNS=3
DURATION=10s
CONNS=64
SCALE=10
BUILD_TIMEOUT=600
BUILD=1
DO_PG=1
DO_SCALE=1
KEEP=0
while getopts "n:d:c:s:t:BPSkh" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    d) DURATION=$OPTARG ;;
    c) CONNS=$OPTARG ;;
    s) SCALE=$OPTARG ;;
    t) BUILD_TIMEOUT=$OPTARG ;;
    B) BUILD=0 ;;
    P) DO_PG=0 ;;
    S) DO_SCALE=0 ;;
    k) KEEP=1 ;;
    *) sed -n '2,32p' "$0"; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BIN=${STACKDEX_BIN:-$ROOT/target/release/stackdex}
PAGE=/stackups/django-vs-rust
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}

log() { printf '[bench] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if [ "$DO_PG" = 1 ] && ! command -v psql >/dev/null; then missing+=(postgresql-client); fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt)"
  as_root apt-get update >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---------------------------------------------------------------- cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stackdex-bench-page.XXXXXX")
PIDS=()
PG_DB=""
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$PG_DB" ]; then
    psql "$PG_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 \
      || log "could not drop PostgreSQL database $PG_DB"
  fi
  if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() { # PID: stop one server we started, and forget it (its number may be reused)
  local pid=$1 p rest=()
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || rest+=("$p"); done
  PIDS=("${rest[@]}")
}

free_port() { # a TCP port nothing listens on at 127.0.0.1
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

wait_healthz() { # URL TIMEOUT_S
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1/healthz" 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# start_stackdex NAME SCALE [DATABASE_URL]: sets SD_URL, SD_PID, SD_BUILD_S, or returns 1
# (SD_FAIL says why) when the demo is not built within BUILD_TIMEOUT or the server dies.
start_stackdex() {
  local name=$1 scale=$2 db=${3:-} dir="$WORK/$1" started=$SECONDS
  mkdir -p "$dir/data"
  if [ -n "$db" ]; then
    DATABASE_URL=$db STACKDEX_DATA_DIR="$dir/data" STACKDEX_LOG=warn \
      "$BIN" serve --demo --demo-scale "$scale" --addr 127.0.0.1:0 >"$dir/stdout" 2>"$dir/stderr" &
  else
    env -u DATABASE_URL STACKDEX_DATA_DIR="$dir/data" STACKDEX_LOG=warn \
      "$BIN" serve --demo --demo-scale "$scale" --addr 127.0.0.1:0 >"$dir/stdout" 2>"$dir/stderr" &
  fi
  SD_PID=$!
  PIDS+=("$SD_PID")
  SD_URL=""
  SD_FAIL=""
  # The address is printed once the demo community is built.
  while :; do
    SD_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/stdout" 2>/dev/null | head -n1 || true)
    [ -n "$SD_URL" ] && break
    if ! kill -0 "$SD_PID" 2>/dev/null; then
      SD_FAIL="server exited during start: $(tail -n 5 "$dir/stderr" | tr '\n' ' ')"
      return 1
    fi
    if [ $((SECONDS - started)) -ge "$BUILD_TIMEOUT" ]; then
      SD_FAIL="demo build at scale $scale took more than ${BUILD_TIMEOUT}s (given up)"
      stop_pid "$SD_PID"
      return 1
    fi
    sleep 1
  done
  SD_BUILD_S=$((SECONDS - started))
  if ! wait_healthz "$SD_URL" 60; then
    SD_FAIL="/healthz did not answer within 60s"
    stop_pid "$SD_PID"
    return 1
  fi
  log "$name: $SD_URL (demo scale $scale ready after ${SD_BUILD_S}s)"
}

# start_nginx FILE: serves FILE's bytes at $PAGE; sets NG_URL, NG_PID
start_nginx() {
  local dir="$WORK/nginx" port user_line=""
  mkdir -p "$dir/www$(dirname "$PAGE")" "$dir/tmp" "$dir/logs"
  cp "$1" "$dir/www$PAGE"
  port=$(free_port)
  # As root, workers would otherwise switch to "nobody" and could not read the work folder.
  if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
  cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes auto;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $dir/www;
    default_type "text/html; charset=utf-8";
  }
}
EOF
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >"$dir/logs/stdout" 2>&1 &
  NG_PID=$!
  PIDS+=("$NG_PID")
  NG_URL="http://127.0.0.1:$port"
  local deadline=$((SECONDS + 15))
  until curl -fsS -o /dev/null "$NG_URL$PAGE" 2>/dev/null; do
    if ! kill -0 "$NG_PID" 2>/dev/null || [ $SECONDS -ge "$deadline" ]; then
      log "nginx did not start:"; cat "$dir/logs/error.log" "$dir/logs/stdout" >&2; exit 1
    fi
    sleep 0.1
  done
  cmp -s "$1" <(curl -fsS "$NG_URL$PAGE") || { log "nginx does not serve the same bytes"; exit 1; }
}

# ---------------------------------------------------------------- wrk
to_ms() { # wrk duration (850.00us, 1.23ms, 2.00s, 1.00m) -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.3f", n }'
}
median() { # numbers on stdin -> median
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# run_wrk LABEL URL CONNS: one run; appends "rps p50_ms p99_ms" to $WORK/LABEL.tsv. A label
# ending in "-in" is a signed-in visitor: its requests carry the session cookie $SESSION_COOKIE.
run_wrk() {
  local label=$1 url=$2 conns=$3 out n header=()
  case $label in *-in) header=(-H "Cookie: $SESSION_COOKIE") ;; esac
  n=1
  if [ -f "$WORK/$label.tsv" ]; then n=$(($(wc -l <"$WORK/$label.tsv") + 1)); fi
  out="$WORK/$label.wrk.$n"
  wrk -t1 -c"$conns" -d"$DURATION" --latency "${header[@]}" "$url" >"$out" 2>&1
  if grep -q -e 'Non-2xx' -e 'Socket errors' "$out"; then
    log "$label run $n: $(grep -e 'Non-2xx' -e 'Socket errors' "$out" | tr -s ' ')"
  fi
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  [ -n "$rps" ] || { log "wrk failed:"; cat "$out" >&2; exit 1; }
  printf '%s\t%s\t%s\n' "$rps" "$p50" "$p99" >>"$WORK/$label.tsv"
  log "$label run $n: $rps req/s, p50 ${p50} ms, p99 ${p99} ms"
}
col_median() { cut -f"$2" "$WORK/$1.tsv" | median; } # LABEL COLUMN(1 rps, 2 p50, 3 p99)

# alternate CONNS LABEL_A URL_A LABEL_B URL_B: warm-up, then RUNS runs of each, alternating
alternate() {
  local conns=$1 la=$2 ua=$3 lb=$4 ub=$5
  local ha=() hb=()
  case $la in *-in) ha=(-H "Cookie: $SESSION_COOKIE") ;; esac
  case $lb in *-in) hb=(-H "Cookie: $SESSION_COOKIE") ;; esac
  wrk -t1 -c"$conns" -d2s "${ha[@]}" "$ua" >/dev/null 2>&1 || true
  wrk -t1 -c"$conns" -d2s "${hb[@]}" "$ub" >/dev/null 2>&1 || true
  for _ in $(seq "$RUNS"); do
    run_wrk "$la" "$ua" "$conns"
    run_wrk "$lb" "$ub" "$conns"
  done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
verdict() { # VALUE OP LIMIT -> pass/FAIL
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
    ok = (op == ">=") ? (v >= l) : (v <= l); print (v == "nan" ? "n/a" : (ok ? "pass" : "**FAIL**")) }'
}

# ---------------------------------------------------------------- build
if [ "$BUILD" = 1 ]; then
  log "cargo build --release -p stackdex"
  cargo build --release -p stackdex >&2
fi
[ -x "$BIN" ] || { log "binary not found: $BIN"; exit 1; }

THROUGHPUT_ROWS=()
NOTES=()
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# sign_in URL: signs up a fresh user through the sign-up form and follows Django (so the page
# has personal state to show); sets SESSION_COOKIE.
sign_in() {
  local url=$1 jar="$WORK/cookies" user="bench$RANDOM" page csrf
  # Form posts must say they come from this site (Origin), as a browser's do.
  curl -fsS -o /dev/null -c "$jar" -H "Origin: $url" -d "username=$user&password=correct-horse-battery" "$url/signup"
  SESSION_COOKIE=$(awk '$6 == "sdx_session" { print "sdx_session=" $7 }' "$jar")
  [ -n "$SESSION_COOKIE" ] || { log "sign-up gave no session"; exit 1; }
  page=$(curl -fsS -H "Cookie: $SESSION_COOKIE" "$url/tools/django")
  csrf=$(grep -o 'name="csrf" value="[^"]*"' <<<"$page" | head -n1 | sed 's/.*value="//; s/"$//')
  curl -fsS -o /dev/null -H "Cookie: $SESSION_COOKIE" -H "Origin: $url" -d "csrf=$csrf&kind=tool&target=django&action=follow" "$url/follows" || log "follow failed"
  log "signed in as $user"
}

# throughput NAME URL: saves the page, serves it with nginx, alternates wrk for an anonymous
# visitor and for a signed-in one (against the same nginx); adds a table row for each
throughput() {
  local name=$1 url=$2 file="$WORK/page-$1.html" status
  status=$(curl -sS -o "$file" -w '%{http_code}' "$url$PAGE")
  [ "$status" = 200 ] || { log "$name: $PAGE answered $status"; exit 1; }
  PAGE_BYTES=$(wc -c <"$file")
  start_nginx "$file"
  log "$name: page is $PAGE_BYTES bytes; nginx on $NG_URL"
  alternate "$CONNS" "sd-$name" "$url$PAGE" "nginx-$name" "$NG_URL$PAGE"
  sign_in "$url"
  alternate "$CONNS" "sd-$name-in" "$url$PAGE" "nginx-$name-b" "$NG_URL$PAGE"
  stop_pid "$NG_PID"
  row "$name" anonymous "sd-$name" "nginx-$name" 0.8
  row "$name" "signed in" "sd-$name-in" "nginx-$name-b" 0.5
}

# row NAME VISITOR SD_LABEL NGINX_LABEL TARGET: one line of the throughput table
row() {
  local sd_rps sd_p99 ng_rps ng_p99 r
  sd_rps=$(col_median "$3" 1); sd_p99=$(col_median "$3" 3)
  ng_rps=$(col_median "$4" 1); ng_p99=$(col_median "$4" 3)
  r=$(ratio "$sd_rps" "$ng_rps")
  THROUGHPUT_ROWS+=("| $1 | $2 | $PAGE_BYTES | $(printf '%.0f' "$sd_rps") | $(printf '%.0f' "$ng_rps") | ${r}x | >= ${5}x: $(verdict "$r" '>=' "$5") | $sd_p99 | $ng_p99 | <= 5 ms: $(verdict "$sd_p99" '<=' 5) |")
}

# ---------------------------------------------------------------- 1. SQLite
log "SQLite, demo scale 1"
start_stackdex sqlite-1 1 || { log "$SD_FAIL"; exit 1; }
SQLITE1_URL=$SD_URL
SQLITE1_PID=$SD_PID
SQLITE1_BUILD=$SD_BUILD_S
throughput SQLite "$SQLITE1_URL"

# ---------------------------------------------------------------- 2. PostgreSQL
PG_BUILD=""
if [ "$DO_PG" = 1 ]; then
  if psql "$PG_URL/postgres" -qAt -c 'select 1' >/dev/null 2>&1; then
    PG_DB="stackdex_bench_$$_$RANDOM"
    psql "$PG_URL/postgres" -qAt -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
    log "PostgreSQL database $PG_DB, demo scale 1"
    if start_stackdex postgres-1 1 "$PG_URL/$PG_DB"; then
      PG_BUILD=$SD_BUILD_S
      throughput PostgreSQL "$SD_URL"
      stop_pid "$SD_PID"
    else
      NOTES+=("PostgreSQL: $SD_FAIL")
    fi
  else
    NOTES+=("PostgreSQL: no server answers at $PG_URL (skipped)")
  fi
fi

# ---------------------------------------------------------------- 3. scale
SCALE_ROW=""
if [ "$DO_SCALE" = 1 ]; then
  log "SQLite, demo scale $SCALE (may take a while to build)"
  if start_stackdex "sqlite-$SCALE" "$SCALE"; then
    SCALEN_BUILD=$SD_BUILD_S
    alternate 1 "scale-1" "$SQLITE1_URL$PAGE" "scale-$SCALE" "$SD_URL$PAGE"
    stop_pid "$SD_PID"
    s1_p50=$(col_median scale-1 2); s1_p99=$(col_median scale-1 3); s1_rps=$(col_median scale-1 1)
    sn_p50=$(col_median "scale-$SCALE" 2); sn_p99=$(col_median "scale-$SCALE" 3); sn_rps=$(col_median "scale-$SCALE" 1)
    r=$(ratio "$sn_p50" "$s1_p50")
    SCALE_ROW="| 1 | ${SQLITE1_BUILD}s | $s1_p50 | $s1_p99 | $(printf '%.0f' "$s1_rps") | | |
| $SCALE | ${SCALEN_BUILD}s | $sn_p50 | $sn_p99 | $(printf '%.0f' "$sn_rps") | ${r}x | <= 1.2x: $(verdict "$r" '<=' 1.2) |"
  else
    NOTES+=("Scale $SCALE: $SD_FAIL")
  fi
fi
stop_pid "$SQLITE1_PID"

# ---------------------------------------------------------------- report
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo " (work tree modified)" || true)
cat <<EOF

## stackdex page benchmark: \`$PAGE\`

Commit $commit$dirty, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ), load average $LOAD_START at the start
and $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) at the end. wrk runs alternate between the two
targets, $RUNS runs each of $DURATION after a 2 s warm-up; figures are medians over the runs.
nginx serves the same bytes with \`worker_processes auto;\` ($(nproc) workers here), sendfile on,
access log off, keep-alive without a request limit; stackdex runs its default (release) runtime.
wrk itself shares the machine's CPUs with the server under test.

### Throughput: \`wrk -t1 -c$CONNS -d$DURATION --latency\`

| Database | Visitor | Page bytes | stackdex req/s | nginx req/s | stackdex/nginx | Target | stackdex p99 (ms) | nginx p99 (ms) | Target |
| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |
$(printf '%s\n' "${THROUGHPUT_ROWS[@]}")
EOF
if [ "$DO_SCALE" = 1 ] && [ -n "$SCALE_ROW" ]; then
  cat <<EOF

### Data size: \`wrk -t1 -c1 -d$DURATION --latency\`, SQLite

| --demo-scale | Demo build | p50 latency (ms) | p99 (ms) | req/s | p50 ratio to scale 1 | Target |
| ---: | ---: | ---: | ---: | ---: | ---: | --- |
$SCALE_ROW
EOF
fi
[ -n "$PG_BUILD" ] && NOTES+=("PostgreSQL demo (scale 1) was ready after ${PG_BUILD}s; SQLite after ${SQLITE1_BUILD}s.")
if [ ${#NOTES[@]} -gt 0 ]; then
  echo
  printf -- '- %s\n' "${NOTES[@]}"
fi
