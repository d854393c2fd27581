#!/usr/bin/env bash
# Runs the microservice topology on this machine: private MariaDB and Redis, each role in its
# own processes (two replicas each of catalog and orders) and nginx as the only entrance on
# https://localhost:PORT. Everything listens on 127.0.0.1 only, on free ports.
#
#   topology.sh start [--build release|debug] [--binary PATH] [--nginx-include FILE]
#                     [STATE_DIR]
#   topology.sh stop [STATE_DIR]          stops everything start started; keeps STATE_DIR/logs
#   topology.sh status [STATE_DIR]        exit status 0 when every process runs and is ready
#   topology.sh stop-role ROLE [STATE_DIR]   stops every replica of ROLE (fault tests)
#   topology.sh start-role ROLE [STATE_DIR]  starts the stopped replicas of ROLE on their ports
#   topology.sh restart-replica ROLE INDEX [STATE_DIR]   replaces ROLE-INDEX as a rolling update
#                                         does: SIGTERM, wait for the exit, start, wait for /readyz
#
# STATE_DIR defaults to .agora-topology in the repository. start writes STATE_DIR/topology.env
# (ports, pids, log files, secret files) for tests and tools; a failed start stops whatever it
# had started. Without --binary, start builds the agora target of the preset first (release
# unless --build debug). --nginx-include adds FILE, a finished http-context file such as the
# bench's own server (bench/nginx-bench.conf.template), to nginx's configuration.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: topology.sh start [--build release|debug] [--binary PATH] [--nginx-include FILE] [STATE_DIR]
       topology.sh stop|status [STATE_DIR]
       topology.sh start-role|stop-role auth|users|catalog|orders [STATE_DIR]
       topology.sh restart-replica auth|users|catalog|orders INDEX [STATE_DIR]"

command=${1:-}
[ -n "$command" ] || { echo "$usage" >&2; exit 2; }
shift

preset=release
binary=
nginx_include=
role_argument=
state=
case "$command" in
  start-role | stop-role | restart-replica)
    role_argument=${1:-}
    case "$role_argument" in
      auth | users | catalog | orders) shift ;;
      *) echo "topology: unknown role '$role_argument': use auth, users, catalog or orders" >&2
         exit 2 ;;
    esac
    if [ "$command" = restart-replica ]; then
      replica_index=${1:-}
      [[ $replica_index =~ ^[1-9]$ ]] || { echo "topology: bad replica index '$replica_index'" >&2
        exit 2; }
      shift
    fi
    ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in
    --build) preset=${2:?--build needs release or debug}; shift 2 ;;
    --build=*) preset=${1#--build=}; shift ;;
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --binary=*) binary=${1#--binary=}; shift ;;
    --nginx-include) nginx_include=${2:?--nginx-include needs a file}; shift 2 ;;
    --nginx-include=*) nginx_include=${1#--nginx-include=}; shift ;;
    -*) echo "topology: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
    *) [ -z "$state" ] || { echo "$usage" >&2; exit 2; }; state=$1; shift ;;
  esac
done
case "$preset" in
  release | debug) ;;
  *) echo "topology: unknown preset '$preset': use release or debug" >&2; exit 2 ;;
esac
state=${state:-$repository/.agora-topology}
mkdir -p "$(dirname "$state")"
state=$(cd "$(dirname "$state")" && pwd)/$(basename "$state")
env_file=$state/topology.env

# The roles take their configuration from the files and flags below only: AGORA_* variables of
# the calling shell would override the file.
while read -r variable; do unset "$variable"; done < <(compgen -e | grep '^AGORA_' || true)

# The replicas, in start order; a name is ROLE-N.
replicas=(auth-1 users-1 catalog-1 catalog-2 orders-1 orders-2)
# The roles other roles call, each behind a loopback listener of nginx (nginx/services.conf).
called_roles=(auth users catalog)

# ---- topology.env: KEY=VALUE lines, rewritten in place as pids change ----

env_get() {
  [ -f "$env_file" ] || return 0
  sed -n "s/^$1=//p" "$env_file" | tail -1
}

env_set() {
  local key=$1 value=$2
  touch "$env_file"
  if grep -q "^$key=" "$env_file"; then
    local rest
    rest=$(grep -v "^$key=" "$env_file")
    printf '%s\n%s=%s\n' "$rest" "$key" "$value" | sed '/^$/d' >"$env_file.new"
    mv "$env_file.new" "$env_file"
  else
    echo "$key=$value" >>"$env_file"
  fi
}

# catalog-2 → CATALOG_2
variable_of() {
  echo "$1" | tr 'a-z-' 'A-Z_'
}

# ---- processes ----

# True when PID runs and its command line mentions this state folder, so a pid that the system
# reused for something else is never signalled.
owned_process() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$state"
}

# Sends SIGTERM to each PID and waits up to 15 s for all to exit; SIGKILL for any left.
terminate() {
  local pid pids=()
  for pid in "$@"; do
    owned_process "$pid" || continue
    # A process a fault test paused must run to handle SIGTERM.
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  for _ in $(seq 1 150); do
    local running=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
    [ $running -eq 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "topology: pid $pid did not stop within 15s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# A port nothing listens on yet and not handed out before in this run, below the ephemeral
# range so that no outgoing connection takes it between this probe and the bind. The process
# that binds it has the final word: agora and nginx both fail loudly when the port is taken.
taken_ports=" "
free_port() {
  local ephemeral_start port
  ephemeral_start=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)
  ephemeral_start=${ephemeral_start:-32768}
  for _ in $(seq 1 100); do
    port=$((10000 + RANDOM % (ephemeral_start - 10000)))
    case "$taken_ports" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      taken_ports="$taken_ports$port "
      echo "$port"
      return 0
    fi
  done
  echo "topology: no free port found on 127.0.0.1" >&2
  return 1
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" 2>/dev/null || true
}

# ---- templates ----

# Copies TEMPLATE to OUTPUT, replacing each @NAME@ by a value given as NAME=VALUE. A list
# given as NAME+=ITEM... (space separated) repeats each line holding @NAME@ once per item: one
# upstream `server` line per replica. Fails on a placeholder left without a value.
render() {
  local template=$1 output=$2
  shift 2
  local -A scalars=() lists=()
  local pair
  for pair in "$@"; do
    case "${pair%%=*}" in
      *+) lists[${pair%%+=*}]=${pair#*+=} ;;
      *) scalars[${pair%%=*}]=${pair#*=} ;;
    esac
  done

  local line name item
  : >"$output"
  while IFS= read -r line || [ -n "$line" ]; do
    # Comment lines keep their placeholders: they document the template.
    if [[ ! $line =~ ^[[:space:]]*# ]]; then
      for name in "${!scalars[@]}"; do line=${line//"@$name@"/"${scalars[$name]}"}; done
    fi
    local expanded=("$line")
    for name in "${!lists[@]}"; do
      [[ $line == *"@$name@"* && ! $line =~ ^[[:space:]]*# ]] || continue
      expanded=()
      for item in ${lists[$name]}; do expanded+=("${line//"@$name@"/"$item"}"); done
    done
    for line in "${expanded[@]}"; do
      if [[ ! $line =~ ^[[:space:]]*# && $line =~ @[A-Z_]+@ ]]; then
        echo "topology: $template has no value for ${BASH_REMATCH[0]}" >&2
        return 1
      fi
      printf '%s\n' "$line" >>"$output"
    done
  done <"$template"
}

# ---- start ----

install_dependencies() {
  # shellcheck source=scripts/packages.sh
  source "$repository/scripts/packages.sh"
  local packages=("${AGORA_TOPOLOGY_PACKAGES[@]}")
  [ -n "$binary" ] || packages+=("${AGORA_BUILD_PACKAGES[@]}")
  "$repository/scripts/install-deps.sh" "${packages[@]}"
}

build_binary() {
  if [ -n "$binary" ]; then
    [ -x "$binary" ] || { echo "topology: $binary is not an executable" >&2; return 1; }
    binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
    return 0
  fi
  (
    cd "$repository"
    if [ ! -f "build/$preset/build.ninja" ]; then
      if [ "$preset" = release ]; then
        cmake --preset release -DAGORA_BUILD_TESTS=OFF >/dev/null
      else
        cmake --preset "$preset" >/dev/null
      fi
    fi
    cmake --build --preset "$preset" --target agora
  )
  binary=$repository/build/$preset/agora
}

make_secrets() {
  local secrets=$state/secrets
  mkdir -p "$secrets"
  chmod 700 "$secrets"
  (
    umask 077
    echo "k1:$(openssl rand -base64 32)" >"$secrets/session-keys"
    openssl rand -base64 18 | tr -d '\n' >"$secrets/demo-admin-password"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
      -out "$secrets/signing-key.pem" 2>/dev/null
    local clients="" role secret
    for role in auth users catalog orders; do
      secret=$(openssl rand -hex 24)
      printf '%s' "$secret" >"$secrets/$role-client-secret"
      clients="$clients${clients:+,}$role:$secret"
    done
    printf '%s' "$clients" >"$secrets/service-clients"
    sed -n 's/^MARIADB_PASSWORD=//p' "$state/servers/servers.env" | tr -d '\n' \
      >"$secrets/database-password"
    sed -n 's/^REDIS_PASSWORD=//p' "$state/servers/servers.env" | tr -d '\n' \
      >"$secrets/redis-password"
  )
  env_set SIGNING_KEY_FILE "$secrets/signing-key.pem"
  env_set ADMIN_EMAIL admin@agora.local
  env_set ADMIN_PASSWORD_FILE "$secrets/demo-admin-password"
  env_set AUTH_ISSUER agora
  env_set AUTH_AUDIENCE agora-api
}

make_certificate() {
  local tls=$state/tls
  mkdir -p "$tls"
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
      -days 30 -subj /CN=localhost \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
      -keyout "$tls/private-key.pem" -out "$tls/certificate.pem" 2>/dev/null
  )
  chmod 644 "$tls/certificate.pem"
  env_set CERTIFICATE_FILE "$tls/certificate.pem"
}

# The configuration every role shares; per-role keys come as flags in launch_replica.
write_configuration() {
  local servers=$state/servers/servers.env secrets=$state/secrets
  cat >"$state/agora.properties" <<PROPERTIES
# Written by scripts/topology.sh: the roles of a local topology behind nginx.
http.bind = 127.0.0.1
http.tls = false
http.trust_forwarded_for = true
admin.bind = 127.0.0.1
session.store = redis
session.keys_file = $secrets/session-keys
redis.host = 127.0.0.1
redis.port = $(sed -n 's/^REDIS_PORT=//p' "$servers")
redis.password_file = $secrets/redis-password
database.driver = mysql
database.host = 127.0.0.1
database.port = $(sed -n 's/^MARIADB_PORT=//p' "$servers")
database.user = $(sed -n 's/^MARIADB_USER=//p' "$servers")
database.password_file = $secrets/database-password
database.migrate_on_start = false
services.auth.url = http://127.0.0.1:$(env_get AUTH_SERVICE_PORT)
services.users.url = http://127.0.0.1:$(env_get USERS_SERVICE_PORT)
services.catalog.url = http://127.0.0.1:$(env_get CATALOG_SERVICE_PORT)
demo.admin_email = $(env_get ADMIN_EMAIL)
demo.admin_password_file = $secrets/demo-admin-password
PROPERTIES
  env_set CONFIG_FILE "$state/agora.properties"
}

allocate_ports() {
  local name variable role
  env_set EDGE_PORT "$(free_port)"
  for role in "${called_roles[@]}"; do
    env_set "$(variable_of "$role")_SERVICE_PORT" "$(free_port)"
  done
  for name in "${replicas[@]}"; do
    variable=$(variable_of "$name")
    env_set "${variable}_PORT" "$(free_port)"
    env_set "${variable}_ADMIN_PORT" "$(free_port)"
    env_set "${variable}_LOG" "$state/logs/$name.log"
  done
}

# host:port of every replica of ROLE, space separated.
upstream_servers() {
  local role=$1 name list=""
  for name in "${replicas[@]}"; do
    [ "${name%-*}" = "$role" ] || continue
    list="$list 127.0.0.1:$(env_get "$(variable_of "$name")_PORT")"
  done
  echo "$list"
}

start_nginx() {
  local conf=$state/nginx
  mkdir -p "$conf/snippets" "$conf/temp" "$conf/extra"
  cp "$repository"/nginx/snippets/*.conf "$conf/snippets/"
  # nginx.conf includes extra/*.conf after the edge.
  if [ -n "$nginx_include" ]; then
    if [ ! -f "$nginx_include" ]; then
      echo "topology: --nginx-include: $nginx_include is not a file" >&2
      return 1
    fi
    cp "$nginx_include" "$conf/extra/$(basename "$nginx_include" .conf).conf"
  fi
  local user_line=""
  # Started as root, the workers drop to nobody; they only need the sockets the master opened.
  [ "$(id -u)" -eq 0 ] && user_line="user nobody nogroup;"

  render "$repository/nginx/nginx.conf.template" "$conf/nginx.conf" \
    "USER=$user_line" "PID_FILE=$conf/nginx.pid" "ERROR_LOG=$state/logs/nginx-error.log" \
    "TEMP_DIR=$conf/temp"
  render "$repository/nginx/agora.conf.template" "$conf/agora.conf" \
    "LISTEN=127.0.0.1:$(env_get EDGE_PORT)" "SERVER_NAME=localhost" \
    "CERTIFICATE=$state/tls/certificate.pem" "CERTIFICATE_KEY=$state/tls/private-key.pem" \
    "ACCESS_LOG=$state/logs/nginx-access.log" "WEB_ROOT=$repository/web" \
    "AUTH_CACHE_DIR=$conf/auth-cache" \
    "AUTH_SERVER+=$(upstream_servers auth)" "USERS_SERVER+=$(upstream_servers users)" \
    "CATALOG_SERVER+=$(upstream_servers catalog)" "ORDERS_SERVER+=$(upstream_servers orders)"
  render "$repository/nginx/services.conf.template" "$conf/services.conf" \
    "AUTH_SERVICE_LISTEN=127.0.0.1:$(env_get AUTH_SERVICE_PORT)" \
    "USERS_SERVICE_LISTEN=127.0.0.1:$(env_get USERS_SERVICE_PORT)" \
    "CATALOG_SERVICE_LISTEN=127.0.0.1:$(env_get CATALOG_SERVICE_PORT)" \
    "SERVICES_ACCESS_LOG=$state/logs/nginx-services-access.log"

  local nginx_command=(nginx -p "$conf" -c "$conf/nginx.conf")
  if ! "${nginx_command[@]}" -t -q </dev/null >"$state/logs/nginx-test.log" 2>&1; then
    echo "topology: the rendered nginx configuration is invalid:" >&2
    cat "$state/logs/nginx-test.log" >&2
    return 1
  fi
  if ! "${nginx_command[@]}" -g 'daemon on;' </dev/null >>"$state/logs/nginx-error.log" 2>&1; then
    echo "topology: nginx did not start (a port may be taken):" >&2
    tail -20 "$state/logs/nginx-error.log" >&2
    return 1
  fi
  for _ in $(seq 1 50); do
    [ -s "$conf/nginx.pid" ] && break
    sleep 0.1
  done
  env_set NGINX_PID "$(cat "$conf/nginx.pid")"
  env_set NGINX_CONF "$conf/nginx.conf"
  env_set NGINX_ACCESS_LOG "$state/logs/nginx-access.log"
}

# Runs `agora migrate` for the roles that own a database, before any of them serves.
migrate() {
  local role
  for role in users catalog orders; do
    # shellcheck disable=SC2046 # role_flags prints words without spaces on purpose
    if ! "$binary" migrate --config "$state/agora.properties" --role="$role" \
        --data-dir "$state/roles/migrate" $(role_flags "$role") \
        </dev/null >>"$state/logs/migrate.log" 2>&1; then
      echo "topology: migrations of $role failed:" >&2
      tail -20 "$state/logs/migrate.log" >&2
      return 1
    fi
  done
}

# The flags of ROLE's processes besides the shared configuration: its identity toward the other
# roles, and for auth the signing key and the service clients it accepts.
role_flags() {
  local role=$1 secrets=$state/secrets
  echo --set "services.client_id=$role" --set "services.client_secret_file=$secrets/$role-client-secret"
  if [ "$role" = auth ]; then
    echo --set "auth.signing_key_file=$secrets/signing-key.pem" \
      --set "auth.service_clients_file=$secrets/service-clients"
  fi
}

# Starts replica NAME (e.g. catalog-2) on its ports in the background; extra flags follow.
launch_replica() {
  local name=$1 role=${1%-*} variable
  shift
  variable=$(variable_of "$name")
  mkdir -p "$state/roles/$name"
  # setsid: a Ctrl+C in the shell that ran this script does not reach the roles.
  # shellcheck disable=SC2046 # role_flags prints words without spaces on purpose
  setsid "$binary" --config "$state/agora.properties" --role="$role" \
    --port "$(env_get "${variable}_PORT")" --admin-port "$(env_get "${variable}_ADMIN_PORT")" \
    --data-dir "$state/roles/$name" $(role_flags "$role") "$@" \
    </dev/null >>"$state/logs/$name.log" 2>&1 &
  env_set "${variable}_PID" "$!"
}

# Waits until replica NAME returns 200 on /readyz; fails early when it exits.
wait_ready() {
  local name=$1 variable pid admin_port
  variable=$(variable_of "$name")
  pid=$(env_get "${variable}_PID")
  admin_port=$(env_get "${variable}_ADMIN_PORT")
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "topology: $name exited during start-up (a port may be taken); the end of" \
        "$state/logs/$name.log:" >&2
      tail -20 "$state/logs/$name.log" >&2
      return 1
    fi
    [ "$(http_status "http://127.0.0.1:$admin_port/readyz")" = 200 ] && return 0
    sleep 0.1
  done
  echo "topology: $name was not ready after 60s; the end of $state/logs/$name.log:" >&2
  tail -20 "$state/logs/$name.log" >&2
  return 1
}

wait_edge() {
  local url
  url="https://localhost:$(env_get EDGE_PORT)/api/openapi.json"
  for _ in $(seq 1 100); do
    if [ "$(http_status --cacert "$state/tls/certificate.pem" \
        --resolve "localhost:$(env_get EDGE_PORT):127.0.0.1" "$url")" = 200 ]; then
      return 0
    fi
    sleep 0.1
  done
  echo "topology: no response from nginx at $url; see $state/logs/nginx-error.log" >&2
  return 1
}

start_topology() {
  stop_topology quiet
  install_dependencies
  build_binary

  mkdir -p "$state/logs" "$state/roles"
  # Others may pass through but not list: nginx's workers (nobody) write their cache of auth
  # answers below it. The secrets have a folder of their own, closed to others.
  chmod 711 "$state"
  rm -f "$state"/logs/*
  : >"$env_file"
  env_set STATE_DIR "$state"
  env_set BINARY "$binary"

  echo "topology: starting MariaDB and Redis" >&2
  "$repository/tests/servers/test-servers.sh" start "$state/servers" >/dev/null
  env_set SERVERS_ENV "$state/servers/servers.env"

  allocate_ports
  make_secrets
  make_certificate
  write_configuration
  echo "topology: starting nginx" >&2
  start_nginx
  echo "topology: migrating the schemas" >&2
  migrate

  local name
  for name in "${replicas[@]}"; do
    echo "topology: starting $name" >&2
    case "$name" in
      # Seeding happens once: the demo admin in users, the demo products in catalog.
      users-1 | catalog-1) launch_replica "$name" --seed-demo ;;
      *) launch_replica "$name" ;;
    esac
    # Each role waits for its first replica, because the roles started later call it. A second
    # replica starts alongside the next role.
    case "$name" in
      *-1) wait_ready "$name" ;;
    esac
  done
  for name in "${replicas[@]}"; do wait_ready "$name"; done
  wait_edge

  local port stop_command="scripts/topology.sh stop"
  port=$(env_get EDGE_PORT)
  env_set EDGE_URL "https://localhost:$port"
  [ "$state" = "$repository/.agora-topology" ] || stop_command="$stop_command $state"
  cat <<MESSAGE

Agora runs as separate roles behind nginx:  https://localhost:$port
  The certificate is self-signed: curl --cacert $state/tls/certificate.pem (or -k).
  Log in as the demo admin:
    curl --cacert $state/tls/certificate.pem https://localhost:$port/api/auth/login \\
      -H 'Content-Type: application/json' \\
      -d "{\"email\":\"$(env_get ADMIN_EMAIL)\",\"password\":\"\$(cat $state/secrets/demo-admin-password)\"}"
  Ports, pids and log files: $env_file
  Stop it with: $stop_command

MESSAGE
}

stop_topology() {
  local quiet=${1:-}
  [ -d "$state" ] || return 0
  local name pids=()
  for name in "${replicas[@]}"; do pids+=("$(env_get "$(variable_of "$name")_PID")"); done
  terminate "${pids[@]}"
  local nginx_pid
  nginx_pid=$(env_get NGINX_PID)
  [ -n "$nginx_pid" ] || nginx_pid=$(cat "$state/nginx/nginx.pid" 2>/dev/null || true)
  terminate "$nginx_pid"
  if [ -d "$state/servers" ]; then
    "$repository/tests/servers/test-servers.sh" stop "$state/servers"
  fi
  # The logs stay for a look after the run; data, keys and secrets go.
  rm -rf "$state/secrets" "$state/tls" "$state/roles" "$state/nginx" "$state/agora.properties" \
    "$env_file"
  [ -n "$quiet" ] || echo "topology: stopped; logs are in $state/logs" >&2
}

# ---- status and faults ----

status_topology() {
  [ -f "$env_file" ] || { echo "topology: nothing runs in $state" >&2; return 3; }
  local result=0 name variable pid ready
  for name in "${replicas[@]}"; do
    variable=$(variable_of "$name")
    pid=$(env_get "${variable}_PID")
    if owned_process "$pid"; then
      ready=$(http_status "http://127.0.0.1:$(env_get "${variable}_ADMIN_PORT")/readyz")
      printf '%-10s pid %-7s api 127.0.0.1:%s  admin 127.0.0.1:%s  readyz %s\n' "$name" "$pid" \
        "$(env_get "${variable}_PORT")" "$(env_get "${variable}_ADMIN_PORT")" "$ready"
      [ "$ready" = 200 ] || result=3
    else
      printf '%-10s stopped\n' "$name"
      result=3
    fi
  done
  if owned_process "$(env_get NGINX_PID)"; then
    printf '%-10s pid %-7s %s\n' nginx "$(env_get NGINX_PID)" "$(env_get EDGE_URL)"
  else
    printf '%-10s stopped\n' nginx
    result=3
  fi
  return $result
}

stop_role() {
  local name pids=()
  for name in "${replicas[@]}"; do
    [ "${name%-*}" = "$role_argument" ] || continue
    pids+=("$(env_get "$(variable_of "$name")_PID")")
  done
  terminate "${pids[@]}"
}

start_role() {
  [ -f "$env_file" ] || { echo "topology: nothing runs in $state" >&2; return 1; }
  binary=$(env_get BINARY)
  local name started=()
  for name in "${replicas[@]}"; do
    [ "${name%-*}" = "$role_argument" ] || continue
    owned_process "$(env_get "$(variable_of "$name")_PID")" && continue
    launch_replica "$name"
    started+=("$name")
  done
  for name in "${started[@]}"; do wait_ready "$name"; done
}

# ---- rolling restarts (tests/deploy/rolling-update.sh) ----

# Replaces replica ROLE-INDEX with a new process on the same ports and arguments, the way a
# rolling update replaces a pod: SIGTERM (the replica drains and exits), then start and wait
# until /readyz answers 200.
restart_replica() {
  local name=$role_argument-$replica_index
  [ -f "$env_file" ] || { echo "topology: nothing runs in $state" >&2; return 1; }
  [ -n "$(env_get "$(variable_of "$name")_PORT")" ] ||
    { echo "topology: there is no replica $name" >&2; return 1; }
  binary=$(env_get BINARY)
  terminate "$(env_get "$(variable_of "$name")_PID")"
  launch_replica "$name"
  wait_ready "$name"
}

# A start that fails half-way (or is interrupted) stops what it had started.
stop_after_failed_start() {
  local status=$?
  [ $status -eq 0 ] || stop_topology quiet
  exit $status
}

case "$command" in
  start)
    if [ -f "$env_file" ] && owned_process "$(env_get NGINX_PID)"; then
      echo "topology: already running in $state; run 'topology.sh stop' first" >&2
      exit 1
    fi
    trap stop_after_failed_start EXIT
    start_topology
    trap - EXIT
    ;;
  stop) stop_topology ;;
  status) status_topology ;;
  start-role) start_role ;;
  stop-role) stop_role ;;
  restart-replica) restart_replica ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
