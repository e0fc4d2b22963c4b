#!/usr/bin/env bash
# Every benchmark of bench/RESULTS.md in one run, on PostgreSQL, with the machine described first.
# Usage: bench/run_all.sh [LOG]   (default var/bench/run-<UTC time>.log); `make bench` calls it.
# Takes about 20 minutes. Run it on a quiet machine: the figures are only as good as the idle cores.
set -uo pipefail
cd "$(dirname "$0")/.."
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PY=.venv/bin/python
log=${1:-var/bench/run-$(date -u +%Y%m%dT%H%M%SZ).log}
mkdir -p "$(dirname "$log")"
status=0

step() {  # step "title" command...: print the command and the load, run it, keep its exit status
  local title=$1; shift
  printf '\n## %s\n$ %s\nload average before: %s\n' "$title" "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"
  "$@" || { echo "(exit status $?)"; status=1; }
}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || echo "wrk is missing: apt-get install wrk"

{
  echo "# bench/run_all.sh at $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
  echo "CPU: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); memory: $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "Python: $($PY --version 2>&1); PostgreSQL: $(psql "$PG/postgres" -Atc 'show server_version' 2>/dev/null)"
  psql -q "$PG/postgres" -c 'DROP DATABASE IF EXISTS pga_national WITH (FORCE)' -c 'CREATE DATABASE pga_national'
  step "National programme data (generator)" env DATABASE_URL="$PG/pga_national" \
    $PY bench/national.py --audits 1000 --organizations 200 --responses 300000 --facilitators 200 --flush
  step "Portfolio dashboards at national size" env DATABASE_URL="$PG/pga_national" $PY bench/portfolio_bench.py
  # The API flow driven by wrk (C), whose own load is small, with 3 and 4 sync workers; then the
  # same flow from this script's asyncio respondents (each from its own address), and the pages flow.
  step "Survey answering under load (API flow, wrk, 16 respondents, 3 workers: the target)" \
    env LOAD_DATABASE_URL="$PG/pga_load" \
    $PY bench/load_survey.py --flow api --client wrk --duration 60 --concurrency 16 --workers 3
  step "Survey answering under load (API flow, wrk, 16 respondents, 4 workers)" env LOAD_DATABASE_URL="$PG/pga_load" \
    $PY bench/load_survey.py --flow api --client wrk --duration 60 --concurrency 16 --workers 4
  step "Survey answering under load (API flow, wrk, 64 respondents, 3 workers)" env LOAD_DATABASE_URL="$PG/pga_load" \
    $PY bench/load_survey.py --flow api --client wrk --duration 60 --concurrency 64 --workers 3
  step "Survey answering under load (API flow, asyncio, 16 respondents, 3 workers)" \
    env LOAD_DATABASE_URL="$PG/pga_load" \
    $PY bench/load_survey.py --flow api --duration 60 --concurrency 16 --workers 3
  step "Survey answering under load (pages flow)" env LOAD_DATABASE_URL="$PG/pga_load" \
    $PY bench/load_survey.py --flow pages --duration 60
  psql -q "$PG/postgres" -c 'DROP DATABASE IF EXISTS pga_survey_bench WITH (FORCE)' \
    -c 'CREATE DATABASE pga_survey_bench'
  step "Survey analysis and exports, 10,000 responses" env BENCH_DATABASE_URL="$PG/pga_survey_bench" \
    $PY bench/survey_bench.py 10000
  step "Pay gap, 100,000 workers" $PY bench/paygap_bench.py
  step "Report PDF, 100 roadmap actions" $PY bench/report_bench.py --actions 100 --runs 3
  echo; echo "# done, exit status $status"
} 2>&1 | tee "$log"
exit "$status"
