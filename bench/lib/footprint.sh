# The footprint measurements of bench/run.sh (sourced): resident memory of each role idle and
# under load, time from start to /readyz 200 on SQLite and on MariaDB, and the binary's size.
# shellcheck shell=bash disable=SC2154 # the variables come from bench/run.sh, which sources this

replica_names=(auth-1 users-1 catalog-1 catalog-2 orders-1 orders-2)
startup_pid=

replica_pid() {
  topology_value "$(echo "$1" | tr 'a-z-' 'A-Z_')_PID"
}

# Resident memory of PID in KiB.
rss_kib() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

measure_idle_memory() {
  local name
  # The roles settle (connection pools, first key loads) before the reading.
  sleep 2
  for name in "${replica_names[@]}"; do
    printf '%s\t%s\n' "$name" "$(rss_kib "$(replica_pid "$name")")"
  done >"$results/idle-rss.tsv"
}

# Samples every replica's resident memory once a second while the rounds run.
start_memory_sampler() {
  local pids=() name
  for name in "${replica_names[@]}"; do pids+=("$name:$(replica_pid "$name")"); done
  (
    while true; do
      for entry in "${pids[@]}"; do
        printf '%s\t%s\n' "${entry%%:*}" "$(rss_kib "${entry#*:}")"
      done
      sleep 1
    done
  ) >"$results/rss-samples.tsv" &
  sampler_pid=$!
}

stop_memory_sampler() {
  kill_tree "$sampler_pid"
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=
}

stop_startup_processes() {
  [ -n "$startup_pid" ] || return 0
  kill -TERM "$startup_pid" 2>/dev/null || true
  wait "$startup_pid" 2>/dev/null || true
  startup_pid=
}

# Starts `agora ARGUMENTS --admin-port PORT`, appends LABEL and the milliseconds until its
# /readyz answered 200 (polled every 10 ms) to startup.tsv, and stops it again.
time_to_ready() {
  local label=$1 log=$results/startup.log admin_port
  shift
  admin_port=$(free_port)
  local started now
  started=$(date +%s%N)
  "$binary" "$@" --admin-port "$admin_port" </dev/null >>"$log" 2>&1 &
  startup_pid=$!
  while true; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
        "http://127.0.0.1:$admin_port/readyz" 2>/dev/null)" = 200 ]; then
      break
    fi
    if ! kill -0 "$startup_pid" 2>/dev/null; then
      echo "bench: agora $* exited during start-up; see $log" >&2
      return 1
    fi
    now=$(date +%s%N)
    if [ $(((now - started) / 1000000)) -gt 30000 ]; then
      echo "bench: agora $* was not ready after 30 s; see $log" >&2
      return 1
    fi
    sleep 0.01
  done
  now=$(date +%s%N)
  printf '%s\t%s\n' "$label" $(((now - started) / 1000000)) >>"$results/startup.tsv"
  stop_startup_processes
}

# The flags topology.sh gives ROLE besides the shared configuration file.
role_flags() {
  local role=$1 secrets
  secrets=$(dirname "$(topology_value ADMIN_PASSWORD_FILE)")
  echo --set "services.client_id=$role" --set "services.client_secret_file=$secrets/$role-client-secret"
  if [ "$role" = auth ]; then
    echo --set "auth.signing_key_file=$secrets/signing-key.pem" \
      --set "auth.service_clients_file=$secrets/service-clients"
  fi
}

measure_startup() {
  local work=$results/startup attempt role
  rm -rf "$work"
  mkdir -p "$work"
  : >"$results/startup.log"
  : >"$results/startup.tsv"
  say "timing start-ups"
  for attempt in 1 2 3; do
    # SQLite, every role in one process: the first start creates the schemas, the signing key
    # and the edge's certificate; a restart finds them.
    time_to_ready sqlite-first --role=all --data-dir "$work/all-$attempt" --port "$(free_port)"
    time_to_ready sqlite-restart --role=all --data-dir "$work/all-$attempt" --port "$(free_port)"
    # MariaDB and Redis, one role per process as in the topology (schemas already migrated).
    for role in auth users catalog orders; do
      # shellcheck disable=SC2046 # role_flags prints words without spaces on purpose
      time_to_ready "mariadb-$role" --config "$state/agora.properties" --role="$role" \
        --data-dir "$work/$role-$attempt" --port "$(free_port)" $(role_flags "$role")
    done
  done
}
