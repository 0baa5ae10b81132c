#!/usr/bin/env bash
# Write benchmark of `stackdex serve`: votes per second and latency (a benchmark, not a test).
#
#   bench/write/run.sh [-n RUNS] [-d DURATION] [-c CONNECTIONS] [-t THREADS] [-u USERS]
#                      [-r REASONS] [-P] [-k]
#
#   -n RUNS         measured wrk runs per target, alternating votes and baseline (default 3)
#   -d DURATION     duration of one run (default 10s)
#   -c CONNECTIONS  wrk connections (default 64)
#   -t THREADS      wrk threads (default 2)
#   -u USERS        users voting, each with an API token (default 200)
#   -r REASONS      pros and cons voted on, spread over 10 tools (default 20)
#   -P              skip PostgreSQL
#   -k              keep the work folder (wrk outputs, server logs, SQLite file)
#
# It builds nothing: it runs target/release/stackdex (or $STACKDEX_BIN) as it is, so build it
# first with `cargo build --release -p stackdex`.
#
# For each backend, SQLite (a file in a temporary folder) and PostgreSQL (a fresh database made
# with psql on postgres://postgres@127.0.0.1:5432, or $BENCH_PG_URL, dropped at the end):
#   1. starts `stackdex serve` with STACKDEX_RATE_LIMIT=off on a free port;
#   2. through the API: USERS sign-ups and tokens (POST /api/v1/users, /api/v1/tokens), and
#      REASONS pros and cons (POST /api/v1/tools/{slug}/reasons);
#   3. a 2 s warm-up, then RUNS runs of DURATION each of, alternately,
#        votes:    wrk with votes.lua: every request casts or retracts (in turn, per user and
#                  reason) a vote, POST / DELETE /api/v1/reasons/{id}/vote with a Bearer token;
#        baseline: wrk GET /healthz, same threads and connections, same server;
#      and reports the medians of requests/s, p50 and p99 (wrk's latency, closed loop);
#   4. checks that every vote was answered 204 and that each reason's counter equals a recount
#      of its vote rows (sqlite3 / psql).
# It prints a markdown table; "vs baseline" is votes/s over /healthz req/s of the same run.
#
# wrk, the load generator, runs on the same machine as the server and takes CPU from it.
# Installs wrk, curl, sqlite3 and the PostgreSQL client with apt-get when missing. Everything
# it starts is stopped on exit (also on Ctrl-C or failure) and its temporary folders removed.
set -euo pipefail

RUNS=3
DURATION=10s
CONNS=64
THREADS=2
USERS=200
REASONS=20
DO_PG=1
KEEP=0
while getopts "n:d:c:t:u:r:Pkh" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    d) DURATION=$OPTARG ;;
    c) CONNS=$OPTARG ;;
    t) THREADS=$OPTARG ;;
    u) USERS=$OPTARG ;;
    r) REASONS=$OPTARG ;;
    P) DO_PG=0 ;;
    k) KEEP=1 ;;
    *) sed -n '2,35p' "$0"; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/write
cd "$ROOT"
BIN=${STACKDEX_BIN:-$ROOT/target/release/stackdex}
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
SLUGS=(django rust postgresql react python nodejs redis docker kubernetes flask)
PASSWORD="benchmark password"

log() { printf '[bench] %s\n' "$*" >&2; }

[ -x "$BIN" ] || { log "no $BIN: build it first with cargo build --release -p stackdex"; exit 1; }

# ---------------------------------------------------------------- tools
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ "$DO_PG" = 1 ] && ! command -v psql >/dev/null; then missing+=(postgresql-client); fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt)"
  as_root apt-get update >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
fi

# ---------------------------------------------------------------- cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stackdex-bench-write.XXXXXX")
PIDS=()
PG_DB=""
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
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

stop_pid() { # PID: stop one server we started, and forget it
  local pid=$1 p rest=()
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || rest+=("$p"); done
  PIDS=("${rest[@]}")
}

# start_stackdex NAME DATABASE_URL: sets SD_URL and SD_PID
start_stackdex() {
  local name=$1 db=$2 dir="$WORK/$1"
  mkdir -p "$dir"
  env -u DATABASE_URL STACKDEX_RATE_LIMIT=off STACKDEX_LOG=warn \
    "$BIN" serve --addr 127.0.0.1:0 --database-url "$db" >"$dir/stdout" 2>"$dir/stderr" &
  SD_PID=$!
  PIDS+=("$SD_PID")
  SD_URL=""
  local deadline=$((SECONDS + 120))
  until [ -n "$SD_URL" ]; do
    SD_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/stdout" 2>/dev/null | head -n1 || true)
    if ! kill -0 "$SD_PID" 2>/dev/null || [ $SECONDS -ge "$deadline" ]; then
      log "$name: the server did not start:"; tail -n 20 "$dir/stderr" >&2; exit 1
    fi
    sleep 0.2
  done
  log "$name: $SD_URL"
}

# ---------------------------------------------------------------- the community, via the API
post_json() { # URL PATH JSON [TOKEN]: prints the body, then the status on a line of its own
  local auth=()
  if [ -n "${4:-}" ]; then auth=(-H "authorization: Bearer $4"); fi
  curl -sS -X POST -H 'content-type: application/json' "${auth[@]}" -d "$3" -w '\n%{http_code}\n' "$1$2"
}
export -f post_json

# make_community URL DATAFILE: USERS users with tokens and REASONS reasons, written to DATAFILE
make_community() {
  local url=$1 data=$2 started=$SECONDS
  : >"$data"
  # Sign-ups and tokens hash passwords with argon2id: a few at a time.
  seq 1 "$USERS" | xargs -P 4 -I{} bash -c \
    "post_json '$url' /api/v1/users '{\"username\":\"bench{}\",\"password\":\"$PASSWORD\"}' | tail -n1" \
    >"$WORK/signups"
  local ok
  ok=$(grep -c '^201$' "$WORK/signups" || true)
  [ "$ok" = "$USERS" ] || { log "only $ok of $USERS sign-ups answered 201"; sort "$WORK/signups" | uniq -c >&2; exit 1; }
  seq 1 "$USERS" | xargs -P 4 -I{} bash -c \
    "post_json '$url' /api/v1/tokens '{\"username\":\"bench{}\",\"password\":\"$PASSWORD\",\"name\":\"bench\"}'" \
    | grep -o 'sdx_[0-9a-f]*' | sed 's/^/token /' >>"$data"
  ok=$(grep -c '^token ' "$data" || true)
  [ "$ok" = "$USERS" ] || { log "only $ok of $USERS tokens"; exit 1; }
  local author i slug kind text answer id
  author=$(awk '/^token / { print $2; exit }' "$data")
  for i in $(seq 1 "$REASONS"); do
    slug=${SLUGS[$(((i - 1) % ${#SLUGS[@]}))]}
    kind=$([ $((i % 2)) = 0 ] && echo con || echo pro)
    # Random texts: the API refuses a near-duplicate of a tool's existing reason.
    text="Bench $(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    answer=$(post_json "$url" "/api/v1/tools/$slug/reasons" "{\"kind\":\"$kind\",\"text\":\"$text\"}" "$author")
    [ "$(tail -n1 <<<"$answer")" = 201 ] || { log "adding a reason failed: $answer"; exit 1; }
    id=$(head -n1 <<<"$answer" | grep -o '"id":[0-9]*' | cut -d: -f2)
    echo "reason $id" >>"$data"
  done
  log "  $USERS users with tokens and $REASONS reasons in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- wrk
median() { # numbers on stdin -> median
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
field() { grep -o "$1=[0-9.]*" | cut -d= -f2; } # NAME: from a RESULT line on stdin

# run_wrk LABEL DURATION SCRIPT URL [ARGS...]: one run; appends "rps p50 p99 non2xx errors"
# to $WORK/LABEL.tsv (unless LABEL is "-", a warm-up)
run_wrk() {
  local label=$1 duration=$2 script=$3 url=$4 out line
  shift 4
  out="$WORK/wrk.$label.$RANDOM"
  wrk -t"$THREADS" -c"$CONNS" -d"$duration" -s "$script" "$url" ${1:+--} "$@" >"$out" 2>&1 || true
  line=$(grep '^RESULT ' "$out" || true)
  [ -n "$line" ] || { log "wrk failed:"; cat "$out" >&2; exit 1; }
  [ "$label" = - ] && return 0
  printf '%s\t%s\t%s\t%s\t%s\n' "$(field rps <<<"$line")" "$(field p50_ms <<<"$line")" \
    "$(field p99_ms <<<"$line")" "$(field non2xx <<<"$line")" "$(field socket_errors <<<"$line")" \
    >>"$WORK/$label.tsv"
  log "  $label: $(cut -d' ' -f4- <<<"$line")"
}
col_median() { cut -f"$2" "$WORK/$1.tsv" | median; }          # LABEL COLUMN
col_sum() { cut -f"$2" "$WORK/$1.tsv" | awk '{ s += $1 } END { print s + 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }

cat "$HERE/votes.lua" "$HERE/report.lua" >"$WORK/votes.lua"
cp "$HERE/report.lua" "$WORK/get.lua"

# bench NAME DATABASE_URL MISMATCH_SQL_COMMAND...: the whole run on one backend; adds a row
ROWS=()
MISMATCH_SQL="SELECT COUNT(*) FROM reasons r WHERE r.votes <> (SELECT COUNT(*) FROM reason_votes v WHERE v.reason_id = r.id)"
bench() {
  local name=$1 db=$2
  shift 2
  log "$name"
  start_stackdex "$name" "$db"
  local data="$WORK/$name.data"
  make_community "$SD_URL" "$data"
  run_wrk - 2s "$WORK/votes.lua" "$SD_URL" "$data" "$THREADS"
  run_wrk - 2s "$WORK/get.lua" "$SD_URL/healthz"
  for _ in $(seq "$RUNS"); do
    run_wrk "$name-votes" "$DURATION" "$WORK/votes.lua" "$SD_URL" "$data" "$THREADS"
    run_wrk "$name-healthz" "$DURATION" "$WORK/get.lua" "$SD_URL/healthz"
  done
  local mismatched failed
  mismatched=$("$@" "$MISMATCH_SQL")
  failed=$(($(col_sum "$name-votes" 4) + $(col_sum "$name-votes" 5)))
  stop_pid "$SD_PID"
  local votes p50 p99 base base_p99
  votes=$(col_median "$name-votes" 1)
  p50=$(col_median "$name-votes" 2)
  p99=$(col_median "$name-votes" 3)
  base=$(col_median "$name-healthz" 1)
  base_p99=$(col_median "$name-healthz" 3)
  ROWS+=("| $name | $(printf '%.0f' "$votes") | $p50 | $p99 | $(printf '%.0f' "$base") | $base_p99 | $(ratio "$votes" "$base") | $failed | $mismatched |")
}

bench SQLite "sqlite://$WORK/bench.db" sqlite3 "$WORK/bench.db"
if [ "$DO_PG" = 1 ]; then
  PG_DB="stackdex_bench_write_$$"
  psql "$PG_URL/postgres" -qAt -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
  bench PostgreSQL "$PG_URL/$PG_DB" psql "$PG_URL/$PG_DB" -qAt -c
fi

cat <<EOF

Write benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, wrk -t$THREADS -c$CONNS, $RUNS x $DURATION per target
(medians), $USERS users voting on $REASONS reasons; every vote request is a cast or a retraction.

| backend | votes/s | p50 ms | p99 ms | /healthz req/s | /healthz p99 ms | votes vs baseline | non-2xx or socket errors | counters off recount |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
EOF
printf '%s\n' "${ROWS[@]}"
