#!/usr/bin/env bash
# Proves the container image on this machine. It starts a private Docker engine and builds
# docker/Dockerfile on a locally made Debian base, then checks the image (size, non-root user).
# It runs every role from the image with a read-only root file system, on MariaDB and Redis and
# behind nginx, and drives a shop journey over HTTPS. Then it stops everything, the engine too.
#
#   docker/test-containers.sh
#
# Traffic stays on loopback: containers share the host's network and bind 127.0.0.1 on free
# ports, and the engine runs without its bridge and iptables rules. MariaDB, Redis and nginx
# are the host's (tests/servers/test-servers.sh starts the first two). The debootstrap
# tarball and the engine's image store are kept in AGORA_CONTAINER_CACHE (default
# /tmp/agora-container-cache) so a second run reuses the base images and build layers.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
cache=${AGORA_CONTAINER_CACHE:-/tmp/agora-container-cache}
image=agora:test
max_image_bytes=$((150 * 1000 * 1000))
uid=10001
roles=(auth users catalog orders)

if [ "$(id -u)" -ne 0 ]; then
  echo "test-containers: run as root (it starts a Docker engine)" >&2
  exit 1
fi

# shellcheck source=scripts/packages.sh
source "$repository/scripts/packages.sh"
"$repository/scripts/install-deps.sh" "${AGORA_CONTAINER_TEST_PACKAGES[@]}"

mkdir -p "$cache"
# One run at a time owns the cached image store.
exec 9>"$cache/lock"
if ! flock -w 1800 9; then
  echo "test-containers: timed out waiting for another run to release $cache/lock" >&2
  exit 1
fi

work=$(mktemp -d /tmp/agora-containers.XXXXXX)
chmod 755 "$work"
passed=0
containers=()
volumes=()

step() { echo "test-containers: $*" >&2; }
pass() {
  passed=$((passed + 1))
  echo "ok - $*"
}
fail() {
  echo "not ok - $*" >&2
  exit 1
}

docker() { DOCKER_BUILDKIT=0 /usr/bin/docker -H "unix://$work/docker.sock" "$@"; }

cleanup() {
  local status=$?
  set +e

  if [ -S "$work/docker.sock" ]; then
    if [ $status -ne 0 ]; then
      for name in "${containers[@]}"; do
        echo "---- last log lines of $name" >&2
        docker logs --tail 15 "$name" 2>&1 | cut -c1-300 >&2
      done
    fi
    [ ${#containers[@]} -eq 0 ] || docker rm -f "${containers[@]}" >/dev/null 2>&1
    [ ${#volumes[@]} -eq 0 ] || docker volume rm "${volumes[@]}" >/dev/null 2>&1
  fi
  if [ -s "$work/nginx/nginx.pid" ]; then
    kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null
  fi
  [ -d "$work/servers" ] && "$repository/tests/servers/test-servers.sh" stop "$work/servers"

  if [ -s "$work/dockerd.pid" ]; then
    local pid
    pid=$(cat "$work/dockerd.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
  fi
  [ $status -eq 0 ] || tail -20 "$work/dockerd.log" >&2 2>/dev/null
  # The engine leaves its network namespace mounted under its exec root.
  local mount
  for mount in $(awk -v root="$work/" 'index($2, root) == 1 {print $2}' /proc/mounts | sort -r); do
    umount -l "$mount"
  done
  rm -rf "$work"

  if [ $status -eq 0 ]; then
    echo "$passed passed, 0 failed"
  else
    echo "$passed passed, 1 failed"
  fi
  exit $status
}
trap cleanup EXIT

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    case " ${taken_ports:-} " in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      taken_ports="${taken_ports:-} $port"
      echo "$port"
      return 0
    fi
  done
  echo "test-containers: no free port on 127.0.0.1" >&2
  return 1
}

# ---- the engine and the base images ----

start_engine() {
  step "starting a private Docker engine"
  # No bridge and no iptables rules: containers use the host network only.
  dockerd --data-root "$cache/engine" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
    --host "unix://$work/docker.sock" --bridge=none --iptables=false --ip6tables=false \
    --log-level=warn >"$work/dockerd.log" 2>&1 &
  for _ in $(seq 1 150); do
    docker version >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "test-containers: dockerd did not start:" >&2
  tail -20 "$work/dockerd.log" >&2
  return 1
}

# debian:bookworm and debian:bookworm-slim, made with debootstrap (no registry is reachable).
import_base_images() {
  if docker image inspect debian:bookworm debian:bookworm-slim >/dev/null 2>&1; then return 0; fi
  local tarball=$cache/bookworm-minbase.tar
  if [ ! -s "$tarball" ]; then
    step "debootstrap --variant=minbase bookworm (once; cached in $tarball)"
    debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian \
      >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; return 1; }
    tar -C "$work/rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$work/rootfs"
  fi
  step "importing debian:bookworm and debian:bookworm-slim"
  local base=$work/base
  mkdir -p "$base"
  tar -C "$base" -xf "$tarball"
  rm -rf "$base"/var/lib/apt/lists/* "$base"/var/cache/apt/archives/*.deb "$base"/var/log/*.log
  tar -C "$base" -c . | docker import --change 'CMD ["bash"]' - debian:bookworm >/dev/null
  # The slim variant drops documentation and translations, now and in later installs.
  mkdir -p "$base/etc/dpkg/dpkg.cfg.d"
  cat >"$base/etc/dpkg/dpkg.cfg.d/slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
DPKG
  find "$base/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$base"/usr/share/man/* "$base"/usr/share/info/* "$base"/usr/share/locale/*
  tar -C "$base" -c . | docker import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$base"
}

# ---- the image ----

build_image() {
  step "building $image (the first build compiles agora in the build stage)"
  docker build --pull=false --network=host -f "$repository/docker/Dockerfile" -t "$image" \
    --build-arg REVISION="$(git -C "$repository" rev-parse HEAD 2>/dev/null || echo unknown)" \
    "$repository" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; return 1; }
  pass "image builds from docker/Dockerfile"

  local size user
  size=$(docker image inspect -f '{{.Size}}' "$image")
  echo "image size: $((size / 1000 / 1000)) MB ($size bytes)"
  [ "$size" -lt "$max_image_bytes" ] || fail "image is $size bytes, over $max_image_bytes"
  pass "image is under 150 MB"

  user=$(docker image inspect -f '{{.Config.User}}' "$image")
  [ "${user%%:*}" = "$uid" ] || fail "image user is '$user', expected $uid"
  [ "$(docker run --rm --network=host --entrypoint id "$image" -u)" = "$uid" ] ||
    fail "a container does not run as uid $uid"
  pass "image runs as uid $uid, not root"

  [ "$(docker run --rm --network=host --read-only "$image" --version)" = "agora $(agora_version)" ] ||
    fail "agora --version in the image"
  pass "agora --version runs in the image"
}

agora_version() {
  sed -n 's/^project(agora VERSION \([0-9.]*\).*/\1/p' "$repository/CMakeLists.txt"
}

# ---- the system: servers, secrets, roles, nginx ----

start_servers() {
  step "starting MariaDB and Redis on loopback"
  "$repository/tests/servers/test-servers.sh" start "$work/servers" >/dev/null
  # shellcheck disable=SC1091
  source "$work/servers/servers.env"
}

make_secrets() {
  local secrets=$work/secrets role clients=""
  mkdir -p "$secrets"
  (
    umask 077
    echo "k1:$(openssl rand -base64 32)" >"$secrets/session-keys"
    openssl rand -base64 18 | tr -d '\n' >"$secrets/demo-admin-password"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$secrets/signing-key.pem" \
      2>/dev/null
    for role in "${roles[@]}"; do
      openssl rand -hex 24 | tr -d '\n' >"$secrets/$role-client-secret"
      clients="$clients${clients:+,}$role:$(cat "$secrets/$role-client-secret")"
    done
    printf '%s' "$clients" >"$secrets/service-clients"
    printf '%s' "$MARIADB_PASSWORD" >"$secrets/database-password"
    printf '%s' "$REDIS_PASSWORD" >"$secrets/redis-password"
  )
  chown -R "$uid:$uid" "$secrets"
  chmod 0500 "$secrets"
  chmod 0400 "$secrets"/*
}

write_configuration() {
  local role
  for role in "${roles[@]}"; do
    printf -v "${role}_port" '%s' "$(free_port)"
    printf -v "${role}_admin_port" '%s' "$(free_port)"
  done
  cat >"$work/agora.properties" <<PROPERTIES
http.tls = false
http.trust_forwarded_for = true
session.store = redis
session.keys_file = /run/secrets/agora/session-keys
redis.host = 127.0.0.1
redis.port = $REDIS_PORT
redis.password_file = /run/secrets/agora/redis-password
database.driver = mysql
database.host = 127.0.0.1
database.port = $MARIADB_PORT
database.user = $MARIADB_USER
database.password_file = /run/secrets/agora/database-password
database.migrate_on_start = false
services.auth.url = http://127.0.0.1:$auth_port
services.users.url = http://127.0.0.1:$users_port
services.catalog.url = http://127.0.0.1:$catalog_port
demo.admin_email = admin@agora.local
demo.admin_password_file = /run/secrets/agora/demo-admin-password
shutdown.drain_seconds = 1
PROPERTIES
  chmod 0644 "$work/agora.properties"
}

# The options every agora container gets: host network, read-only root, no capabilities, the
# configuration and secrets read-only.
container_options=()
set_container_options() {
  container_options=(--network=host --read-only --cap-drop=ALL
    --security-opt=no-new-privileges
    -v "$work/agora.properties:/etc/agora/agora.properties:ro"
    -v "$work/secrets:/run/secrets/agora:ro"
    -e AGORA_HTTP_BIND=127.0.0.1 -e AGORA_ADMIN_BIND=127.0.0.1)
}

role_arguments() {
  local role=$1
  echo --config /etc/agora/agora.properties --set services.client_id="$role" \
    --set services.client_secret_file=/run/secrets/agora/"$role"-client-secret
  if [ "$role" = auth ]; then
    echo --set auth.signing_key_file=/run/secrets/agora/signing-key.pem \
      --set auth.service_clients_file=/run/secrets/agora/service-clients
  fi
}

migrate() {
  step "running the migration container"
  # As in the Kubernetes Job: the migration acts as the users role's service client.
  # shellcheck disable=SC2046 # role_arguments prints words without spaces
  docker run --rm "${container_options[@]}" \
    --tmpfs "/var/lib/agora:rw,uid=$uid,gid=$uid,mode=0700" "$image" \
    migrate --role=users,catalog,orders $(role_arguments users) >"$work/migrate.log" 2>&1 ||
    { tail -20 "$work/migrate.log" >&2; fail "agora migrate in a container"; }
  pass "migrate --role=users,catalog,orders exits 0"
}

wait_ready() {
  local name=$1 admin_port=$2
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
      "http://127.0.0.1:$admin_port/readyz" || true)" = 200 ] && return 0
    [ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] ||
      fail "$name exited during start-up"
    sleep 0.2
  done
  fail "$name was not ready within 60 s"
}

start_role() {
  local role=$1 port_variable=${1}_port admin_variable=${1}_admin_port extra=()
  local name=agora-test-$role
  case "$role" in users | catalog) extra=(--seed-demo) ;; esac
  containers+=("$name")
  volumes+=("$name-data")
  # shellcheck disable=SC2046 # role_arguments prints words without spaces
  docker run -d --name "$name" "${container_options[@]}" \
    --mount "type=volume,src=$name-data,dst=/var/lib/agora" \
    -e AGORA_HTTP_PORT="${!port_variable}" -e AGORA_ADMIN_PORT="${!admin_variable}" \
    --health-cmd "agora probe http://127.0.0.1:${!admin_variable}/readyz" \
    --health-interval 2s --health-start-period 20s \
    "$image" --role="$role" $(role_arguments "$role") "${extra[@]}" >/dev/null
  wait_ready "$name" "${!admin_variable}"
}

start_roles() {
  local role
  for role in "${roles[@]}"; do
    step "starting $role from the image"
    start_role "$role"
  done
  pass "every role runs from the image with a read-only root file system"
}

start_nginx() {
  step "starting nginx in front of the role containers"
  edge_port=$(free_port)
  local conf=$work/nginx
  mkdir -p "$conf/snippets" "$conf/temp"
  cp "$repository"/nginx/snippets/*.conf "$conf/snippets/"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost" \
    -keyout "$conf/key.pem" -out "$conf/certificate.pem" 2>/dev/null
  sed -e "s|@USER@|user nobody nogroup;|" -e "s|@PID_FILE@|$conf/nginx.pid|" \
    -e "s|@ERROR_LOG@|$conf/error.log|" -e "s|@TEMP_DIR@|$conf/temp|" \
    "$repository/nginx/nginx.conf.template" >"$conf/nginx.conf"
  # One replica per role, so each upstream placeholder becomes one server line.
  sed -e "s|@LISTEN@|127.0.0.1:$edge_port|" -e "s|@SERVER_NAME@|localhost|" \
    -e "s|@CERTIFICATE@|$conf/certificate.pem|" -e "s|@CERTIFICATE_KEY@|$conf/key.pem|" \
    -e "s|@ACCESS_LOG@|$conf/access.log|" -e "s|@AUTH_CACHE_DIR@|$conf/auth-cache|" \
    -e "s|@AUTH_SERVER@|127.0.0.1:$auth_port|" -e "s|@USERS_SERVER@|127.0.0.1:$users_port|" \
    -e "s|@CATALOG_SERVER@|127.0.0.1:$catalog_port|" \
    -e "s|@ORDERS_SERVER@|127.0.0.1:$orders_port|" \
    "$repository/nginx/agora.conf.template" >"$conf/agora.conf"
  : >"$conf/services.conf"
  nginx -p "$conf" -c "$conf/nginx.conf" -t -q 2>"$conf/test.log" ||
    { cat "$conf/test.log" >&2; fail "the rendered nginx configuration"; }
  nginx -p "$conf" -c "$conf/nginx.conf" -g 'daemon on;' 2>>"$conf/error.log"
  for _ in $(seq 1 50); do [ -s "$conf/nginx.pid" ] && break; sleep 0.1; done
}

# ---- the journey ----

api() {
  local method=$1 path=$2
  shift 2
  curl -s --max-time 10 --cacert "$work/nginx/certificate.pem" \
    --resolve "localhost:$edge_port:127.0.0.1" -X "$method" -w '\n%{http_code}' \
    "https://localhost:$edge_port$path" "$@"
}

# Splits api's output: the status on the last line, the body before it.
status_of() { tail -n1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }
json_field() { sed -nE "s/.*\"$1\":(\"([^\"]*)\"|([0-9]+)).*/\2\3/p" <<<"$2" | head -n1; }

journey() {
  step "driving the shop journey over HTTPS through nginx"
  local reply email token product stock order
  reply=$(api GET /api/openapi.json)
  [ "$(status_of "$reply")" = 200 ] || fail "GET /api/openapi.json: $(status_of "$reply")"

  email="container-$RANDOM@example.com"
  reply=$(api POST /api/users -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"correct horse battery staple\",\"display_name\":\"Ada\"}")
  [ "$(status_of "$reply")" = 201 ] || fail "register: $(status_of "$reply") $(body_of "$reply")"
  reply=$(api POST /api/auth/login -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"correct horse battery staple\"}")
  [ "$(status_of "$reply")" = 200 ] || fail "login: $(status_of "$reply") $(body_of "$reply")"
  token=$(json_field access_token "$(body_of "$reply")")
  [ -n "$token" ] || fail "login returned no access token"

  reply=$(api GET '/api/catalog/products?limit=1')
  [ "$(status_of "$reply")" = 200 ] || fail "list products: $(status_of "$reply")"
  product=$(json_field id "$(body_of "$reply")")
  stock=$(json_field stock "$(body_of "$reply")")
  [ -n "$product" ] && [ -n "$stock" ] || fail "no demo product in the catalog"

  reply=$(api POST /api/orders -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: container-test-$RANDOM" \
    -d "{\"items\":[{\"product_id\":\"$product\",\"quantity\":2}]}")
  [ "$(status_of "$reply")" = 201 ] || fail "place order: $(status_of "$reply") $(body_of "$reply")"
  order=$(json_field id "$(body_of "$reply")")

  reply=$(api GET /api/orders -H "Authorization: Bearer $token")
  [ "$(status_of "$reply")" = 200 ] || fail "list orders: $(status_of "$reply")"
  grep -qF "\"$order\"" <<<"$(body_of "$reply")" || fail "order $order is not listed"

  reply=$(api GET "/api/catalog/products/$product")
  [ "$(json_field stock "$(body_of "$reply")")" = $((stock - 2)) ] ||
    fail "stock of $product did not drop from $stock by 2"

  reply=$(api GET /api/orders)
  [ "$(status_of "$reply")" = 401 ] || fail "orders without a token: $(status_of "$reply")"
  pass "journey over HTTPS: register, log in, order, list, stock decreased"
}

# Paths of NAME's root file system that changed, other than the mount points Docker made for
# its volumes and files (and their parent folders).
unexpected_changes() {
  local name=$1 destination path allowed=" /var/lib/agora /var/lib /var "
  for destination in $(docker inspect -f '{{range .Mounts}}{{.Destination}} {{end}}' "$name"); do
    path=$destination
    while [ "$path" != / ]; do
      allowed="$allowed$path "
      path=$(dirname "$path")
    done
  done
  docker diff "$name" | awk '{print $2}' | while read -r path; do
    case "$allowed" in *" $path "*) ;; *) echo "$path" ;; esac
  done
}

check_containers() {
  local name changes health
  for name in "${containers[@]}"; do
    changes=$(unexpected_changes "$name")
    [ -z "$changes" ] || fail "$name changed its root file system: $changes"
    for _ in $(seq 1 30); do
      health=$(docker inspect -f '{{.State.Health.Status}}' "$name")
      [ "$health" = healthy ] && break
      sleep 1
    done
    [ "$health" = healthy ] || fail "$name health is '$health'"
    docker exec "$name" agora probe "http://127.0.0.1:$(admin_port_of "$name")/readyz" \
      >/dev/null || fail "agora probe in $name"
  done
  pass "no container wrote outside its volume; every health check (agora probe) passes"
}

admin_port_of() {
  local variable=${1#agora-test-}_admin_port
  echo "${!variable}"
}

# The built-in edge: --role=all with its defaults, HTTPS with a certificate it generates into
# the data folder, SQLite files there too.
check_all_in_one() {
  step "running --role=all with SQLite on a tmpfs"
  local port admin_port name=agora-test-all
  port=$(free_port)
  admin_port=$(free_port)
  containers+=("$name")
  docker run -d --name "$name" --network=host --read-only --cap-drop=ALL \
    --security-opt=no-new-privileges --tmpfs "/var/lib/agora:rw,uid=$uid,gid=$uid,mode=0700" \
    -e AGORA_HTTP_BIND=127.0.0.1 -e AGORA_HTTP_PORT="$port" \
    -e AGORA_ADMIN_BIND=127.0.0.1 -e AGORA_ADMIN_PORT="$admin_port" "$image" >/dev/null
  wait_ready "$name" "$admin_port"
  [ "$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 \
    "https://127.0.0.1:$port/api/catalog/products?limit=1")" = 200 ] ||
    fail "--role=all does not serve HTTPS"
  [ -z "$(unexpected_changes "$name")" ] || fail "$name changed its root file system"
  pass "--role=all serves HTTPS with its data and certificate in /var/lib/agora"
}

check_graceful_stop() {
  step "stopping the role containers with SIGTERM"
  local name code
  for name in agora-test-orders agora-test-catalog agora-test-users agora-test-auth \
      agora-test-all; do
    docker stop --time 30 "$name" >/dev/null
    code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
    [ "$code" = 0 ] || fail "$name exited with $code after SIGTERM"
    docker logs "$name" 2>&1 | grep -q '"stopped"' || fail "$name logged no stop"
  done
  pass "SIGTERM drains and every container exits 0"
}

start_engine
import_base_images
build_image
start_servers
make_secrets
write_configuration
set_container_options
migrate
start_roles
start_nginx
journey
check_containers
check_all_in_one
check_graceful_stop
