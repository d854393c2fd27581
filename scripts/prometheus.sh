#!/usr/bin/env bash
# Runs Prometheus against the local topology (scripts/topology.sh): scrapes every replica's admin
# port with the alert rules of k8s/monitoring, on a free port of 127.0.0.1.
#
#   prometheus.sh start [--scrape-interval DURATION] [STATE_DIR]
#   prometheus.sh stop [STATE_DIR]
#
# STATE_DIR is the topology's state folder (default .agora-topology in the repository). Each
# `<REPLICA>_ADMIN_PORT=<port>` line of its topology.env becomes a target labelled
# component=<role> and replica=<role-N> (CATALOG_2_ADMIN_PORT: catalog, catalog-2). Prometheus
# keeps its configuration, data and log in STATE_DIR/prometheus; start writes the URL to
# STATE_DIR/prometheus/prometheus.env as PROMETHEUS_URL, and that of the web pages (graph,
# targets, alerts) as PROMETHEUS_UI_URL.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: prometheus.sh start [--scrape-interval DURATION] [STATE_DIR]
       prometheus.sh stop [STATE_DIR]"

command=${1:-}
[ -n "$command" ] || { echo "$usage" >&2; exit 2; }
shift
interval=5s
state=
while [ $# -gt 0 ]; do
  case "$1" in
    --scrape-interval) interval=${2:?--scrape-interval needs a duration such as 5s}; shift 2 ;;
    --scrape-interval=*) interval=${1#--scrape-interval=}; shift ;;
    -*) echo "prometheus: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
    *) [ -z "$state" ] || { echo "$usage" >&2; exit 2; }; state=$1; shift ;;
  esac
done
[[ $interval =~ ^[0-9]+(ms|s|m)$ ]] || {
  echo "prometheus: invalid --scrape-interval '$interval': use e.g. 1s, 5s or 1m" >&2
  exit 2
}
state=${state:-$repository/.agora-topology}
[ -d "$state" ] || { echo "prometheus: no topology state folder $state: run scripts/topology.sh start" >&2; exit 1; }
state=$(cd "$state" && pwd)
home=$state/prometheus
pid_file=$home/prometheus.pid

# True when PID runs Prometheus on this state folder, so a reused pid is never signalled.
owned_process() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$home/"
}

# A port nothing listens on now, below the ephemeral range; Prometheus fails loudly if taken.
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
  echo "prometheus: no free port found on 127.0.0.1" >&2
  return 1
}

# Writes the scrape configuration of every replica listed in topology.env.
render_config() {
  local env_file=$state/topology.env output=$1 line port replica role count=0
  [ -f "$env_file" ] || { echo "prometheus: $env_file is missing: start the topology first" >&2; return 1; }
  cat >"$output" <<CONFIG
# Written by scripts/prometheus.sh from $env_file; rewritten on every start.
global:
  scrape_interval: $interval
  scrape_timeout: $interval
  evaluation_interval: $interval

rule_files:
  - agora-alerts.yml

scrape_configs:
  - job_name: agora
    metrics_path: /metrics
    static_configs:
CONFIG
  while IFS= read -r line; do
    [[ $line =~ ^([A-Z]+)_([0-9]+)_ADMIN_PORT=([0-9]+)$ ]] || continue
    role=${BASH_REMATCH[1],,}
    replica=$role-${BASH_REMATCH[2]}
    port=${BASH_REMATCH[3]}
    printf "      - targets: ['127.0.0.1:%s']\n        labels: {component: %s, replica: %s}\n" \
      "$port" "$role" "$replica" >>"$output"
    count=$((count + 1))
  done <"$env_file"
  [ "$count" -gt 0 ] || { echo "prometheus: $env_file lists no *_ADMIN_PORT" >&2; return 1; }
}

stop() {
  local pid
  pid=$(cat "$pid_file" 2>/dev/null || true)
  if owned_process "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "prometheus: pid $pid did not stop within 10s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_file"
}

start() {
  command -v prometheus >/dev/null || {
    echo "prometheus: the prometheus binary is missing: scripts/install-deps.sh prometheus" >&2
    exit 1
  }
  stop
  mkdir -p "$home/data"
  cp "$repository/k8s/monitoring/agora-alerts.yml" "$home/agora-alerts.yml"
  render_config "$home/prometheus.yml"

  local port pid
  port=$(free_port)
  setsid prometheus --config.file="$home/prometheus.yml" --storage.tsdb.path="$home/data" \
    --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=2d \
    </dev/null >>"$home/prometheus.log" 2>&1 &
  pid=$!
  echo "$pid" >"$pid_file"

  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "prometheus: it exited during start-up; the end of $home/prometheus.log:" >&2
      tail -20 "$home/prometheus.log" >&2
      rm -f "$pid_file"
      return 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/-/ready" \
        2>/dev/null || true)" = 200 ]; then
      # Debian's package (2.42) serves only the classic web pages, under /classic.
      local url=http://127.0.0.1:$port ui=http://127.0.0.1:$port
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ui/targets" 2>/dev/null ||
        true)" = 200 ] || ui=$ui/classic
      printf 'PROMETHEUS_URL=%s\nPROMETHEUS_UI_URL=%s\n' "$url" "$ui" >"$home/prometheus.env"
      echo "Prometheus: $url (queries: $ui/graph, targets: $ui/targets, alerts: $ui/alerts)"
      return 0
    fi
    sleep 0.1
  done
  echo "prometheus: not ready after 30s; the end of $home/prometheus.log:" >&2
  tail -20 "$home/prometheus.log" >&2
  stop
  return 1
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
