# Small helpers of bench/run.sh (sourced): messages, ports, topology values, polling, parsing.
# shellcheck shell=bash disable=SC2154 # the variables come from bench/run.sh, which sources this

say() {
  echo "bench: $*" >&2
}

# A port nothing listens on yet, below the ephemeral range; the server's bind has the last word.
free_port() {
  local ephemeral_start port
  ephemeral_start=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)
  ephemeral_start=${ephemeral_start:-32768}
  for _ in $(seq 1 100); do
    port=$((10000 + RANDOM % (ephemeral_start - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "bench: no free port found on 127.0.0.1" >&2
  return 1
}

# The value of NAME in the running topology's topology.env.
topology_value() {
  sed -n "s/^$1=//p" "$state/topology.env" | tail -1
}

# The HTTP status of a request (curl arguments), or 000 when there is no answer.
http_status() {
  curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "$@" 2>/dev/null || true
}

# Waits up to 10 s until URL answers STATUS.
wait_for_status() {
  local status=$1 url=$2
  for _ in $(seq 1 200); do
    [ "$(http_status "$url")" = "$status" ] && return 0
    sleep 0.05
  done
  return 1
}

# The value of KEY=VALUE in a bench-result line.
field() {
  local key=$1 line=$2
  sed -n "s/.* $key=\([^ ]*\).*/\1/p" <<<" $line"
}

# The median of the numbers on standard input (the mean of the middle two for an even count).
median() {
  sort -g | awk '{ values[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print values[(NR + 1) / 2]
    else printf "%.3f\n", (values[NR / 2] + values[NR / 2 + 1]) / 2 }'
}

# Kills PID and the processes it started (a backgrounded function runs wrk as its child).
kill_tree() {
  local pid=$1 child
  [ -n "$pid" ] || return 0
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do kill_tree "$child"; done
  kill -TERM "$pid" 2>/dev/null || true
}
