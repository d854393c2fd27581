# The report of bench/run.sh (sourced): the targets, a profile of each missed target, and
# RESULTS.md written from rounds.tsv, the memory samples and the start-up times.
# shellcheck shell=bash disable=SC2154 # the variables come from bench/run.sh, which sources this

# scenario, reference, measure (rps or p99), comparison (ge or lt), threshold.
targets="verify poco-204 rps ge 0.5
authed-read proxy-ceiling rps ge 0.8
catalog-list proxy-ceiling rps ge 0.6
order-place proxy-ceiling rps ge 0.25
authed-read+login authed-read p99 lt 2
proxy-ceiling nginx-ceiling rps - -"

describe() {
  case "$1" in
    nginx-ceiling) echo "nginx answers a static 204 over the edge's TLS setup" ;;
    proxy-ceiling) echo "GET /api/auth/jwks.json through nginx (public, no database, no token)" ;;
    poco-204) echo "a Poco 204 route on the roles' HttpServer, straight (bench/Poco204.cpp)" ;;
    verify) echo "GET /internal/auth/verify straight on the auth role, $bench_users users' tokens" ;;
    authed-read) echo "GET /api/users/me through nginx with auth_request, $bench_users users' tokens" ;;
    catalog-list) echo "GET /api/catalog/products?limit=20 through nginx" ;;
    order-place) echo "POST /api/orders through nginx, one line, an Idempotency-Key each" ;;
    login) echo "POST /api/auth/login straight on the auth role (nginx limits one address to 5/s)" ;;
    authed-read+login) echo "authed-read while the login flood below runs beside it" ;;
    login-flood) echo "the login flood that runs beside authed-read+login" ;;
  esac
}

# Column COLUMN (3 rps, 4 p50, 5 p99, 6 errors, 7 non-2xx) of SCENARIO in ROUND.
value_of() {
  awk -F'\t' -v round="$1" -v name="$2" -v column="$3" \
    '$1 == round && $2 == name { print $column }' "$results/rounds.tsv"
}

median_of() {
  awk -F'\t' -v name="$1" -v column="$2" '$2 == name { print $column }' "$results/rounds.tsv" |
    median
}

sum_of() {
  awk -F'\t' -v name="$1" -v column="$2" '$2 == name { total += $column } END { print total + 0 }' \
    "$results/rounds.tsv"
}

# The median over the rounds of SCENARIO's measure divided by its reference's in the same round.
ratio_of() {
  local name=$1 reference=$2 measure=$3 column=3 round
  [ "$measure" = p99 ] && column=5
  for round in $(seq 1 "$rounds"); do
    awk -v a="$(value_of "$round" "$name" "$column")" -v b="$(value_of "$round" "$reference" "$column")" \
      'BEGIN { if (a != "" && b > 0) printf "%.3f\n", a / b }'
  done | median
}

# "met" or "missed" for a ratio against a target.
verdict() {
  local ratio=$1 comparison=$2 threshold=$3
  awk -v r="$ratio" -v t="$threshold" -v c="$comparison" 'BEGIN {
    ok = (c == "ge") ? (r >= t) : (r < t); print ok ? "met" : "**missed**" }'
}

# Scenarios that got a socket error, a timeout or a status of 400 or more other than a shed
# login's 503 in some round.
failed_scenarios() {
  awk -F'\t' '$6 + $7 - $8 > 0 { print $2 }' "$results/rounds.tsv" | sort -u
}

missed_scenarios() {
  local name reference measure comparison threshold
  {
    while read -r name reference measure comparison threshold; do
      [ "$comparison" = - ] && continue
      if [ "$(verdict "$(ratio_of "$name" "$reference" "$measure")" "$comparison" "$threshold")" != met ]; then
        echo "$name"
      fi
    done <<<"$targets"
    # A scenario with failed requests is profiled too, unless it is only a reference or the
    # flood beside another scenario.
    failed_scenarios | grep -vxE 'nginx-ceiling|poco-204|login-flood' || true
  } | sort -u
}

# The share of all samples in perf data DATA that the filter (--pid PID or --comms NAME) keeps.
sample_share() {
  local data=$1
  shift
  perf report -i "$data" --stdio --no-children --percentage absolute --sort pid "$@" \
    2>/dev/null | awk '/%/ && !/^#/ { total += $1 } END { printf "%.1f%%\n", total }'
}

# Records a system-wide perf profile while scenario NAME runs, into profiles/NAME.txt.
profile_scenario() {
  local name=$1 data=$results/profiles/$1.data wrk_pid
  if [ "$name" = authed-read+login ]; then
    run_wrk login 7 "$results/profiles/$name-login.txt" >/dev/null &
    background_pids+=("$!")
  fi
  run_wrk "${name%+login}" 7 "$results/profiles/$name-wrk.txt" >/dev/null &
  wrk_pid=$!
  background_pids+=("$wrk_pid")
  sleep 1.5
  perf record -a -F 499 -o "$data" -- sleep 4 >/dev/null 2>&1 || true
  wait "$wrk_pid" || true
  sleep 2
  {
    echo "CPU share by process (of all samples on the machine):"
    local replica
    for replica in "${replica_names[@]}"; do
      printf '  %-14s %s\n' "$replica" \
        "$(sample_share "$data" --pid "$(replica_pid "$replica")")"
    done
    local command
    for command in nginx mariadbd redis-server wrk poco-204; do
      printf '  %-14s %s\n' "$command" "$(sample_share "$data" --comms "$command")"
    done
    echo
    echo "Hottest functions of the agora processes (share of all samples):"
    perf report -i "$data" --stdio --no-children --comms agora --sort dso,sym \
      --percent-limit 0.5 2>/dev/null | grep -vE '^(#|$)' | head -25
  } >"$results/profiles/$name.txt"
  rm -f "$data"
}

profile_missed_targets() {
  mkdir -p "$results/profiles"
  command -v perf >/dev/null 2>&1 || { say "no perf: the missed targets get no profile"; return 0; }
  local name
  for name in $(missed_scenarios); do
    say "profiling $name (target missed)"
    profile_scenario "$name"
  done
}

mib() {
  awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'
}

write_throughput_table() {
  echo "| scenario | what | req/s | p50 ms | p99 ms | errors | non-2xx | reference | ratio | target | |"
  echo "|---|---|---:|---:|---:|---:|---:|---|---:|---|---|"
  local name reference measure comparison threshold ratio target verdict_text
  for name in nginx-ceiling proxy-ceiling poco-204 verify authed-read catalog-list order-place \
      login authed-read+login login-flood; do
    reference='' ratio=- target=- verdict_text=-
    read -r _ reference measure comparison threshold < <(grep "^$name " <<<"$targets") || true
    if [ -n "$reference" ] && [ "$reference" != - ]; then
      ratio=$(ratio_of "$name" "$reference" "$measure")
      if [ "$comparison" != - ]; then
        [ "$comparison" = ge ] && target="≥ $threshold × req/s" || target="< $threshold × p99"
        verdict_text=$(verdict "$ratio" "$comparison" "$threshold")
      fi
      [ "$measure" = p99 ] && ratio="$ratio (p99)"
    else
      reference=-
    fi
    if [ $(($(sum_of "$name" 6) + $(sum_of "$name" 7) - $(sum_of "$name" 8))) -gt 0 ]; then
      verdict_text="**failed requests**"
    elif [ "$(sum_of "$name" 8)" -gt 0 ] && [ "$verdict_text" = - ]; then
      verdict_text="$(sum_of "$name" 8) shed with 503, as expected"
    fi
    printf '| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s | %s | %s | %s |\n' "$name" \
      "$(describe "$name")" "$(median_of "$name" 3)" "$(median_of "$name" 4)" \
      "$(median_of "$name" 5)" "$(sum_of "$name" 6)" "$(sum_of "$name" 7)" "$reference" \
      "$ratio" "$target" "$verdict_text"
  done
}

write_memory_table() {
  echo "| replica | idle RSS MiB | peak RSS under load MiB | target (idle) | |"
  echo "|---|---:|---:|---|---|"
  local name idle peak
  for name in "${replica_names[@]}"; do
    idle=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$results/idle-rss.tsv")
    peak=$(awk -F'\t' -v n="$name" '$1 == n && $2 > max { max = $2 } END { print max + 0 }' \
      "$results/rss-samples.tsv")
    printf '| %s | %s | %s | ≤ 20 MiB | %s |\n' "$name" "$(mib "$idle")" "$(mib "$peak")" \
      "$(awk -v k="$idle" 'BEGIN { print (k <= 20 * 1024) ? "met" : "**missed**" }')"
  done
}

write_startup_table() {
  echo "| start | what | median ms | runs ms | target | |"
  echo "|---|---|---:|---|---|---|"
  local label what limit runs middle
  for label in sqlite-first sqlite-restart mariadb-auth mariadb-users mariadb-catalog \
      mariadb-orders; do
    case "$label" in
      sqlite-first) what="--role=all on SQLite, empty data folder (creates schemas, keys, certificate)"; limit=300 ;;
      sqlite-restart) what="--role=all on SQLite, existing data folder"; limit=300 ;;
      *) what="--role=${label#mariadb-} on MariaDB and Redis, as in the topology"; limit=1000 ;;
    esac
    runs=$(awk -F'\t' -v l="$label" '$1 == l { printf "%s%s", sep, $2; sep = ", " }' \
      "$results/startup.tsv")
    middle=$(awk -F'\t' -v l="$label" '$1 == l { print $2 }' "$results/startup.tsv" | median)
    printf '| %s | %s | %s | %s | ≤ %s ms | %s |\n' "$label" "$what" "$middle" "$runs" "$limit" \
      "$(awk -v m="$middle" -v t="$limit" 'BEGIN { print (m <= t) ? "met" : "**missed**" }')"
  done
}

versions() {
  local revision
  revision=$(git -C "$repository" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$repository" diff --quiet HEAD 2>/dev/null || revision="$revision with local changes"
  echo "- agora: $("$binary" --version 2>&1 | head -1) ($revision), release build"
  echo "- compiler: $(c++ --version | head -1)"
  echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  echo "- MariaDB: $(mariadbd --version 2>&1 | head -1 | sed 's/^.*Ver //')"
  echo "- Redis: $(redis-server --version | head -1)"
  echo "- Poco: $(dpkg-query -W -f='${Version}' libpoco-dev 2>/dev/null), OpenSSL: $(openssl version)"
  echo "- wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), kernel: $(uname -r)"
}

write_results() {
  local size stripped
  size=$(stat -c %s "$binary")
  strip -o "$results/agora.stripped" "$binary"
  stripped=$(stat -c %s "$results/agora.stripped")
  rm -f "$results/agora.stripped"
  cat <<HEADER
# Bench results

Written by \`bench/run.sh\` (see [README.md](README.md)) on $started_at. Each scenario ran
$rounds rounds of ${duration} s with wrk ($threads threads; $connections connections through
nginx, $direct_connections straight to a role), every other round in reverse order, so each
scenario alternates with its reference. The table gives the median over the rounds; a ratio is
the median of the per-round ratios to the reference measured in the same round. Errors are
socket errors and timeouts; non-2xx counts responses with a status of 400 or more, summed over
the rounds. Only the login scenarios expect some: the password-hashing pool sheds a login that
waited \`users.hashing_wait_milliseconds\` for it with a 503, counted as shed, not failed.

## Machine

- $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),
  $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory
- load average (1, 5, 15 min) at the start: $load_at_start; at the end: $load_at_end
$(versions)

## Throughput and latency

$(write_throughput_table)

## Footprint

Resident memory of each replica after start-up (idle) and the highest of the once-a-second
samples while the rounds ran:

$(write_memory_table)

Time from starting the process to the first 200 from \`/readyz\` (three runs each):

$(write_startup_table)

Binary: \`build/release/agora\` is $(mib $((size / 1024))) MiB, $(mib $((stripped / 1024))) MiB stripped.
HEADER

  echo
  echo "## Rounds"
  echo
  echo "| round | scenario | req/s | p50 ms | p99 ms | errors | non-2xx | of those shed |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '{ printf "| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6,
    $7, $8 }' "$results/rounds.tsv"

  local profile
  for profile in "$results"/profiles/*.txt; do
    [ -f "$profile" ] || continue
    case "$profile" in *-wrk.txt | *-login.txt) continue ;; esac
    echo
    echo "## Profile: $(basename "$profile" .txt) (target missed or requests failed)"
    echo
    echo "perf record -a at 499 Hz for 4 s while the scenario ran (every process on the machine):"
    echo
    echo '```'
    cat "$profile"
    echo '```'
  done
  if [ -f "$bench/analysis.md" ]; then
    echo
    cat "$bench/analysis.md"
  fi
}
