#!/usr/bin/env bash
# Agora's load benchmarks. Builds the release binary and starts the topology through
# scripts/topology.sh (MariaDB, Redis, each role and nginx on 127.0.0.1). Seeds users, tokens
# and products, runs every scenario with wrk in rounds that alternate each scenario with its
# reference, measures the footprint and writes bench/RESULTS.md. Stops everything it started on
# exit.
#
#   bench/run.sh [--rounds N] [--duration SECONDS] [--connections N] [--direct-connections N]
#                [--output FILE] [--no-profile] [--hold]
#
# --hold starts and seeds everything, prints the URLs and waits for Ctrl+C instead of running the
# rounds: for profiling one scenario by hand (the token and product files are in build/bench/).
# Defaults: 3 rounds of 10 s per scenario (BENCH_ROUNDS, BENCH_DURATION), medians reported;
# about 8 minutes on two cores. Raw outputs, logs and profiles go to build/bench/.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
bench=$repository/bench
usage="usage: bench/run.sh [--rounds N] [--duration SECONDS] [--connections N] [--direct-connections N] [--output FILE] [--no-profile] [--hold]"

rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-10}
# Through nginx: 32 keep-alive connections; straight to a role (one Poco thread per open
# connection, 64 threads): 16. The login flood uses a few connections, as password checks take
# tens of milliseconds each.
connections=32
direct_connections=16
flood_connections=8
threads=2
output=$bench/RESULTS.md
profile=1
hold=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --connections) connections=${2:?}; shift 2 ;;
    --direct-connections) direct_connections=${2:?}; shift 2 ;;
    --output) output=${2:?}; shift 2 ;;
    --no-profile) profile=0; shift ;;
    --hold) hold=1; shift ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "bench: unknown argument '$1'" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
for number in "$rounds" "$duration" "$connections" "$direct_connections"; do
  [[ $number =~ ^[1-9][0-9]*$ ]] || { echo "bench: '$number' is not a positive number" >&2; exit 2; }
done
case "$output" in /*) ;; *) output=$PWD/$output ;; esac

# The processes take their configuration from files and flags only, as in the topology.
while read -r variable; do unset "$variable"; done < <(compgen -e | grep '^AGORA_' || true)

results=$repository/build/bench
state=
poco_pid=
sampler_pid=
background_pids=()

# shellcheck source=bench/lib/common.sh
source "$bench/lib/common.sh"
# shellcheck source=bench/lib/seed.sh
source "$bench/lib/seed.sh"
# shellcheck source=bench/lib/footprint.sh
source "$bench/lib/footprint.sh"
# shellcheck source=bench/lib/report.sh
source "$bench/lib/report.sh"

# ---- start and stop ----

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${background_pids[@]}" "$sampler_pid" "$poco_pid"; do
    [ -n "$pid" ] || continue
    kill_tree "$pid"
    wait "$pid" 2>/dev/null || true
  done
  stop_startup_processes
  if [ -n "$state" ] && [ -d "$state" ]; then
    "$repository/scripts/topology.sh" stop "$state" 2>/dev/null || true
    mkdir -p "$results/logs"
    cp -r "$state/logs/." "$results/logs/" 2>/dev/null || true
    rm -rf "$state"
  fi
  [ $status -eq 0 ] || echo "bench: failed (status $status); logs are in $results/logs" >&2
  exit $status
}

install_and_build() {
  # shellcheck source=scripts/packages.sh
  source "$repository/scripts/packages.sh"
  "$repository/scripts/install-deps.sh" "${AGORA_BENCH_PACKAGES[@]}"
  (
    cd "$repository"
    if [ ! -f build/release/build.ninja ]; then
      cmake --preset release -DAGORA_BUILD_TESTS=OFF >/dev/null
    fi
    # Two compile jobs by default: the machines this runs on share their cores.
    cmake --build --preset release --target agora poco-204 -j "${BENCH_BUILD_JOBS:-2}"
  )
  binary=$repository/build/release/agora
  poco_binary=$repository/build/release/bench/poco-204
}

# Renders bench/nginx-bench.conf.template with the edge's TLS lines into
# build/bench/nginx-bench.conf, for topology.sh.
render_bench_server() {
  local file=$results/nginx-bench.conf tls_settings
  tls_settings=$(grep -E '^\s*ssl_' "$repository/nginx/agora.conf.template" |
    grep -vE 'ssl_certificate(_key)? ')
  bench_port=$(free_port)
  awk -v listen="127.0.0.1:$bench_port" -v certificate="$state/tls/certificate.pem" \
      -v key="$state/tls/private-key.pem" -v access_log="$state/logs/nginx-bench-access.log" \
      -v tls="$tls_settings" '
    /^#/ { print; next }
    /@TLS_SETTINGS@/ { print tls; next }
    { gsub("@LISTEN@", listen); gsub("@CERTIFICATE@", certificate)
      gsub("@CERTIFICATE_KEY@", key); gsub("@ACCESS_LOG@", access_log); print }' \
    "$bench/nginx-bench.conf.template" >"$file"
}

start_everything() {
  state=$(mktemp -d /tmp/agora-bench.XXXXXX)
  render_bench_server
  say "starting the topology in $state"
  "$repository/scripts/topology.sh" start --binary "$binary" \
    --nginx-include "$results/nginx-bench.conf" "$state" \
    >"$results/topology-start.log" 2>&1 || {
    cat "$results/topology-start.log" >&2
    return 1
  }
  edge="https://127.0.0.1:$(topology_value EDGE_PORT)"
  bench_edge="https://127.0.0.1:$bench_port"
  auth_direct="http://127.0.0.1:$(topology_value AUTH_1_PORT)"
  users_direct="http://127.0.0.1:$(topology_value USERS_1_PORT)"
  catalog_direct="http://127.0.0.1:$(topology_value CATALOG_1_PORT)"

  poco_port=$(free_port)
  setsid "$poco_binary" --port "$poco_port" </dev/null >"$results/poco-204.log" 2>&1 &
  poco_pid=$!
  wait_for_status 204 "http://127.0.0.1:$poco_port/bench/204" ||
    { echo "bench: poco-204 did not respond; see $results/poco-204.log" >&2; return 1; }
}

# ---- scenarios ----

# NAME → "url script connections [extra wrk options]". The URL's path is what wrk requests.
scenario_spec() {
  case "$1" in
    nginx-ceiling) echo "$bench_edge/bench/204 plain $connections" ;;
    proxy-ceiling) echo "$edge/api/auth/jwks.json plain $connections" ;;
    poco-204) echo "http://127.0.0.1:$poco_port/bench/204 plain $direct_connections" ;;
    verify) echo "$auth_direct/internal/auth/verify bearer $direct_connections" ;;
    authed-read) echo "$edge/api/users/me bearer $connections" ;;
    catalog-list) echo "$edge/api/catalog/products?limit=20 plain $connections" ;;
    order-place) echo "$edge/api/orders order $connections" ;;
    # Straight to the auth role: nginx allows one address 5 logins a second (agora_login).
    login) echo "$auth_direct/api/auth/login login $flood_connections --timeout 15s" ;;
    *) echo "bench: no scenario $1" >&2; return 1 ;;
  esac
}

# The status each scenario's requests must get; checked once with curl before the rounds.
expected_status() {
  case "$1" in
    nginx-ceiling | poco-204 | verify) echo 204 ;;
    order-place) echo 201 ;;
    *) echo 200 ;;
  esac
}

# Runs wrk for SECONDS on scenario NAME and prints its bench-result line; the raw output is
# kept in OUTPUT.
run_wrk() {
  local name=$1 seconds=$2 output=$3 url script conns extra
  read -r url script conns extra <<<"$(scenario_spec "$name")"
  # shellcheck disable=SC2086 # extra holds separate wrk options
  BENCH_LUA_DIR=$bench/lua BENCH_TOKENS=$results/tokens BENCH_PRODUCTS=$results/products \
    BENCH_EMAILS=$results/emails BENCH_PASSWORD=$user_password \
    BENCH_RUN_ID="$run_id-$name-$(date +%s%N)" \
    wrk -t "$threads" -c "$conns" -d "${seconds}s" $extra -s "$bench/lua/$script.lua" "$url" \
    >"$output" 2>&1 || { cat "$output" >&2; return 1; }
  grep '^bench-result ' "$output" || { cat "$output" >&2; return 1; }
}

# Records one measured run: ROUND SCENARIO and the bench-result line → rounds.tsv.
record() {
  local round=$1 name=$2 line=$3
  local rps p50 p99 errors non2xx shed
  rps=$(field rps "$line"); p50=$(field p50_ms "$line"); p99=$(field p99_ms "$line")
  errors=$(field errors "$line"); non2xx=$(field non2xx "$line"); shed=$(field shed "$line")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" "$p50" "$p99" "$errors" \
    "$non2xx" "${shed:-0}" >>"$results/rounds.tsv"
  printf '  round %s %-20s %9.1f req/s  p50 %7.2f ms  p99 %8.2f ms  errors %s  non-2xx %s  shed %s\n' \
    "$round" "$name" "$rps" "$p50" "$p99" "$errors" "$non2xx" "${shed:-0}" >&2
}

# authed-read with a login flood beside it: the flood's own numbers are recorded as
# login-flood, authed-read's as authed-read+login.
run_flooded() {
  local round=$1 prefix=$results/raw/round$1
  run_wrk login "$duration" "$prefix-login-flood.txt" >/dev/null &
  background_pids+=("$!")
  local flood=$!
  # The flood reaches its steady state first.
  sleep 0.5
  local line
  line=$(run_wrk authed-read "$duration" "$prefix-authed-read+login.txt")
  wait "$flood"
  record "$round" authed-read+login "$line"
  record "$round" login-flood "$(grep '^bench-result ' "$prefix-login-flood.txt")"
}

run_rounds() {
  local order=(nginx-ceiling proxy-ceiling poco-204 verify authed-read catalog-list order-place
    login flood)
  mkdir -p "$results/raw"
  : >"$results/rounds.tsv"
  say "warming up each scenario for 2 s"
  local name
  for name in "${order[@]}"; do
    [ "$name" = flood ] && continue
    run_wrk "$name" 2 "$results/raw/warmup-$name.txt" >/dev/null
  done

  local round list
  for round in $(seq 1 "$rounds"); do
    ensure_fresh_tokens
    # Every other round runs backwards, so no scenario always follows the same neighbour.
    list=("${order[@]}")
    if [ $((round % 2)) -eq 0 ]; then
      list=()
      for ((i = ${#order[@]} - 1; i >= 0; i--)); do list+=("${order[$i]}"); done
    fi
    say "round $round of $rounds"
    for name in "${list[@]}"; do
      if [ "$name" = flood ]; then
        run_flooded "$round"
      else
        record "$round" "$name" "$(run_wrk "$name" "$duration" "$results/raw/round$round-$name.txt")"
      fi
    done
  done
}

# Prints what a hand-run wrk needs and waits until interrupted.
hold_for_profiling() {
  local name url
  say "holding; stop with Ctrl+C (or SIGTERM to pid $$). Scenarios:"
  for name in nginx-ceiling proxy-ceiling poco-204 verify authed-read catalog-list order-place \
      login; do
    read -r url _ <<<"$(scenario_spec "$name")"
    printf '  %-14s %s\n' "$name" "$url" >&2
  done
  echo "  BENCH_LUA_DIR=$bench/lua BENCH_TOKENS=$results/tokens BENCH_PRODUCTS=$results/products" \
    "BENCH_EMAILS=$results/emails BENCH_PASSWORD=$user_password" >&2
  echo "  topology: $state/topology.env" >&2
  while true; do sleep 1; done
}

main() {
  mkdir -p "$results"
  rm -rf "$results/raw" "$results/profiles" "$results/logs"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
  started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  run_id=$(date +%s)-$$

  install_and_build
  start_everything
  measure_idle_memory
  seed_data
  check_scenarios
  if [ "$hold" -eq 1 ]; then
    hold_for_profiling
    return 0
  fi
  start_memory_sampler
  run_rounds
  stop_memory_sampler
  [ "$profile" -eq 0 ] || profile_missed_targets
  measure_startup
  load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)
  write_results >"$output"
  say "wrote $output"
}

main
