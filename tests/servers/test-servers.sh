#!/usr/bin/env bash
# Starts and stops private MariaDB and Redis servers for the test suite: loopback only,
# data in a temporary folder, on free ports. ctest runs `start` as a fixture before the
# tests that need them and `stop` after, also when tests fail.
#
#   test-servers.sh start STATE_DIR   writes STATE_DIR/servers.env (ports, socket, passwords)
#   test-servers.sh stop STATE_DIR    stops both servers and deletes STATE_DIR
set -euo pipefail

command=${1:?usage: test-servers.sh start|stop STATE_DIR}
state=${2:?usage: test-servers.sh start|stop STATE_DIR}

# A port nothing listens on yet; the server's own bind is the final word.
random_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "test-servers: no free port found" >&2
  return 1
}

start_mariadb() {
  local dir=$state/mariadb
  mkdir -p "$dir/data" "$dir/run"
  # mariadbd refuses to run as root unless told which user to be.
  local user_option=()
  [ "$(id -u)" -eq 0 ] && user_option=(--user=root)

  mariadb-install-db --no-defaults "${user_option[@]}" --datadir="$dir/data" \
    --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 || {
    cat "$dir/install.log" >&2
    return 1
  }

  for attempt in 1 2 3 4 5; do
    local port
    port=$(random_free_port)
    mariadbd --no-defaults "${user_option[@]}" --datadir="$dir/data" \
      --socket="$dir/run/mysqld.sock" --pid-file="$dir/run/mysqld.pid" \
      --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --max-connections=400 \
      --log-error="$dir/error.log" >/dev/null 2>&1 &
    echo $! >"$dir/run/mariadbd.pid"

    for _ in $(seq 1 150); do
      if mariadb-admin --no-defaults --socket="$dir/run/mysqld.sock" -uroot ping >/dev/null 2>&1; then
        # The application account: TCP with a password, rights on the agora_* schemas only.
        local password
        password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
        mariadb --no-defaults --socket="$dir/run/mysqld.sock" -uroot -e "
          CREATE USER 'agora'@'127.0.0.1' IDENTIFIED BY '$password';
          GRANT ALL PRIVILEGES ON \`agora\\_%\`.* TO 'agora'@'127.0.0.1';" || return 1
        {
          echo "MARIADB_PORT=$port"
          echo "MARIADB_SOCKET=$dir/run/mysqld.sock"
          echo "MARIADB_USER=agora"
          echo "MARIADB_PASSWORD=$password"
        } >>"$state/servers.env"
        return 0
      fi
      if ! kill -0 "$(cat "$dir/run/mariadbd.pid")" 2>/dev/null; then break; fi
      sleep 0.1
    done
    if grep -q "Address already in use" "$dir/error.log" 2>/dev/null; then
      echo "test-servers: MariaDB port $port was taken; trying another (attempt $attempt)" >&2
      continue
    fi
    echo "test-servers: MariaDB did not start:" >&2
    tail -20 "$dir/error.log" >&2
    return 1
  done
  echo "test-servers: MariaDB found no free port" >&2
  return 1
}

start_redis() {
  local dir=$state/redis
  mkdir -p "$dir"
  local password
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

  for attempt in 1 2 3 4 5; do
    local port
    port=$(random_free_port)
    if redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$dir" --requirepass "$password" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"; then
      for _ in $(seq 1 50); do
        if REDISCLI_AUTH=$password redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
          {
            echo "REDIS_PORT=$port"
            echo "REDIS_PASSWORD=$password"
          } >>"$state/servers.env"
          return 0
        fi
        sleep 0.05
      done
    fi
    if grep -q "Address already in use" "$dir/redis.log" 2>/dev/null; then
      echo "test-servers: Redis port $port was taken; trying another (attempt $attempt)" >&2
      continue
    fi
    echo "test-servers: Redis did not start:" >&2
    tail -20 "$dir/redis.log" >&2
    return 1
  done
  return 1
}

stop_servers() {
  if [ -f "$state/redis/redis.pid" ]; then
    kill "$(cat "$state/redis/redis.pid")" 2>/dev/null || true
  fi
  if [ -f "$state/mariadb/run/mariadbd.pid" ]; then
    local pid
    pid=$(cat "$state/mariadb/run/mariadbd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}

case "$command" in
  start)
    stop_servers
    mkdir -p "$state"
    : >"$state/servers.env"
    start_mariadb || { stop_servers; exit 1; }
    start_redis || { stop_servers; exit 1; }
    cat "$state/servers.env" | grep -v PASSWORD
    ;;
  stop)
    stop_servers
    ;;
  *)
    echo "usage: test-servers.sh start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
