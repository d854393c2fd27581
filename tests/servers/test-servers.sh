#!/usr/bin/env bash
# Starts and stops private MariaDB and Redis servers for the test suite: loopback only,
# data in a temporary folder, on free ports. ctest runs `start` as a fixture before the
# tests that need them and `stop` after, also when tests fail.
#
#   test-servers.sh start STATE_DIR   writes STATE_DIR/servers.env (ports, socket, passwords)
#   test-servers.sh stop STATE_DIR    stops both servers and deletes STATE_DIR
#
# Fault injection for Redis, keeping its port and password:
#   test-servers.sh stop-redis STATE_DIR          stops it (its data is lost)
#   test-servers.sh start-redis-again STATE_DIR   starts it again, empty
#   test-servers.sh pause-redis STATE_DIR         freezes it (SIGSTOP): connections hang
#   test-servers.sh resume-redis STATE_DIR        lets it run again (SIGCONT)
#
# Fault injection for MariaDB, keeping its port, data folder and accounts:
#   test-servers.sh stop-mariadb STATE_DIR          stops it (data stays on disk)
#   test-servers.sh start-mariadb-again STATE_DIR   starts it again with the same data
#   test-servers.sh pause-mariadb STATE_DIR         freezes it (SIGSTOP): connections hang
#   test-servers.sh resume-mariadb STATE_DIR        lets it run again (SIGCONT)
set -euo pipefail

usage="usage: test-servers.sh start|stop|stop-redis|start-redis-again|pause-redis|resume-redis|stop-mariadb|start-mariadb-again|pause-mariadb|resume-mariadb STATE_DIR"
command=${1:?$usage}
state=${2:?$usage}

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

# mariadbd refuses to run as root unless told which user to be.
mariadb_user_option=()
[ "$(id -u)" -eq 0 ] && mariadb_user_option=(--user=root)

# Freezes process PID with SIGSTOP and waits until every one of its threads has stopped.
# kill returns before the signal is handled, so a thread still running could respond to one
# more request after this command has returned.
pause_process() {
  local pid=$1 task running
  kill -STOP "$pid"
  for _ in $(seq 1 100); do
    running=0
    for task in /proc/"$pid"/task/*/stat; do
      # The state is the field after the parenthesized command name.
      [ "$(sed -e 's/^.*) //' "$task" 2>/dev/null | cut -d' ' -f1)" = T ] || running=1
    done
    [ "$running" -eq 0 ] && return 0
    sleep 0.05
  done
  echo "test-servers: process $pid did not stop within 5 s of SIGSTOP" >&2
  return 1
}

# Starts mariadbd on PORT over the existing data folder and waits until it accepts
# connections. Fails when it exits first (a taken port) or is not ready within 15 s.
launch_mariadb() {
  local port=$1 dir=$state/mariadb
  mariadbd --no-defaults "${mariadb_user_option[@]}" --datadir="$dir/data" \
    --socket="$dir/run/mysqld.sock" --pid-file="$dir/run/mysqld.pid" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --max-connections=400 \
    --log-error="$dir/error.log" >/dev/null 2>&1 &
  echo $! >"$dir/run/mariadbd.pid"

  for _ in $(seq 1 150); do
    if mariadb-admin --no-defaults --socket="$dir/run/mysqld.sock" -uroot ping >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$(cat "$dir/run/mariadbd.pid")" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

# Stops mariadbd and waits until it has exited, so its port is free again.
stop_mariadb() {
  local pid_file=$state/mariadb/run/mariadbd.pid
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  kill -CONT "$pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

start_mariadb() {
  local dir=$state/mariadb
  mkdir -p "$dir/data" "$dir/run"

  mariadb-install-db --no-defaults "${mariadb_user_option[@]}" --datadir="$dir/data" \
    --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve --force >"$dir/install.log" 2>&1 || {
    cat "$dir/install.log" >&2
    return 1
  }

  for attempt in 1 2 3 4 5; do
    local port
    port=$(random_free_port)
    if launch_mariadb "$port"; then
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
    stop_mariadb
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

# Starts Redis on PORT with PASSWORD and waits until it answers.
launch_redis() {
  local port=$1 password=$2 dir=$state/redis
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir" --requirepass "$password" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || return 1
  for _ in $(seq 1 50); do
    if REDISCLI_AUTH=$password redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# The value of NAME in servers.env.
server_setting() {
  sed -n "s/^$1=//p" "$state/servers.env"
}

# Stops Redis and waits until its port is free again.
stop_redis() {
  local pid_file=$state/redis/redis.pid
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  kill -CONT "$pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

start_redis() {
  local dir=$state/redis
  mkdir -p "$dir"
  local password
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

  for attempt in 1 2 3 4 5; do
    local port
    port=$(random_free_port)
    if launch_redis "$port" "$password"; then
      {
        echo "REDIS_PORT=$port"
        echo "REDIS_PASSWORD=$password"
      } >>"$state/servers.env"
      return 0
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
  stop_redis
  stop_mariadb
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
  stop-redis)
    stop_redis
    ;;
  start-redis-again)
    launch_redis "$(server_setting REDIS_PORT)" "$(server_setting REDIS_PASSWORD)" || {
      echo "test-servers: Redis did not start again:" >&2
      tail -20 "$state/redis/redis.log" >&2
      exit 1
    }
    ;;
  stop-mariadb)
    stop_mariadb
    ;;
  start-mariadb-again)
    launch_mariadb "$(server_setting MARIADB_PORT)" || {
      echo "test-servers: MariaDB did not start again:" >&2
      tail -20 "$state/mariadb/error.log" >&2
      exit 1
    }
    ;;
  pause-mariadb)
    pause_process "$(cat "$state/mariadb/run/mariadbd.pid")"
    ;;
  resume-mariadb)
    kill -CONT "$(cat "$state/mariadb/run/mariadbd.pid")"
    ;;
  pause-redis)
    pause_process "$(cat "$state/redis/redis.pid")"
    ;;
  resume-redis)
    kill -CONT "$(cat "$state/redis/redis.pid")"
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
