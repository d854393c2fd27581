#!/usr/bin/env bash
# A rolling update under load, in the local topology (scripts/topology.sh): while customers
# place orders through nginx, every catalog and orders replica is replaced one at a time
# (SIGTERM, exit, a new process on the same port, /readyz). Passes when no request failed and
# no order was lost or duplicated: the orders listed are exactly the successful responses, and
# the product's stock dropped by exactly their quantities.
#
#   tests/deploy/rolling-update.sh STATE_DIR     (a running topology's state folder)
#
# Like a rollout with minReadySeconds, the next replica is replaced only after the previous one
# has served for 6 s. nginx takes a replica out for fail_timeout (5 s) after failed connects, so
# replacing the other replica within that time would leave nginx none.
#
# Loopback only, bounded: two clients send about three orders a second each until the last
# replica is replaced, at most 150 s.
set -euo pipefail

repository=$(cd "$(dirname "$0")/../.." && pwd)
state=${1:?usage: rolling-update.sh STATE_DIR}
env_file=$state/topology.env
topology=$repository/scripts/topology.sh
[ -f "$env_file" ] || { echo "rolling-update: no topology runs in $state" >&2; exit 1; }

env_get() { sed -n "s/^$1=//p" "$env_file" | tail -1; }
edge_port=$(env_get EDGE_PORT)
certificate=$(env_get CERTIFICATE_FILE)
work=$(mktemp -d /tmp/agora-rolling.XXXXXX)
load_pids=()

cleanup() {
  local status=$?
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
  if [ $status -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
  exit $status
}
trap cleanup EXIT

fail() {
  echo "rolling-update: FAILED: $*" >&2
  exit 1
}

# api METHOD PATH [curl options]: prints the body, then the status on a line of its own.
api() {
  local method=$1 path=$2
  shift 2
  curl -s --max-time 15 --cacert "$certificate" --resolve "localhost:$edge_port:127.0.0.1" \
    -X "$method" -w '\n%{http_code}' "https://localhost:$edge_port$path" "$@"
}
status_of() { tail -n1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }
json_field() { sed -nE "s/.*\"$1\":(\"([^\"]*)\"|(-?[0-9]+)).*/\2\3/p" <<<"$2" | head -n1; }

login() {
  local reply
  reply=$(api POST /api/auth/login -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}")
  [ "$(status_of "$reply")" = 200 ] || fail "login of $1: $(status_of "$reply")"
  json_field access_token "$(body_of "$reply")"
}

# ---- a customer and a product of their own ----

admin_token=$(login "$(env_get ADMIN_EMAIL)" "$(cat "$(env_get ADMIN_PASSWORD_FILE)")")
sku="rolling-$(date +%s)-$RANDOM"
reply=$(api POST /api/catalog/products -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' \
  -d "{\"sku\":\"$sku\",\"name\":\"Rolling update test\",\"price_cents\":100,\"stock\":100000}")
[ "$(status_of "$reply")" = 201 ] || fail "create product: $(status_of "$reply") $(body_of "$reply")"
product=$(json_field id "$(body_of "$reply")")
initial_stock=100000

email="rolling-$RANDOM-$(date +%s)@example.com"
password="rolling update password 1"
reply=$(api POST /api/users -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\",\"display_name\":\"Rolling\"}")
[ "$(status_of "$reply")" = 201 ] || fail "register: $(status_of "$reply") $(body_of "$reply")"
token=$(login "$email" "$password")

# ---- the load: each line of a client's file is "STATUS ORDER_ID QUANTITY" ----

client() {
  local number=$1 sequence=0 quantity reply
  while [ ! -e "$work/stop" ]; do
    sequence=$((sequence + 1))
    quantity=$((1 + RANDOM % 3))
    reply=$(api POST /api/orders -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -H "Idempotency-Key: rolling-$number-$sequence" \
      -d "{\"items\":[{\"product_id\":\"$product\",\"quantity\":$quantity}]}" || true)
    echo "$(status_of "$reply") $(json_field id "$(body_of "$reply")") $quantity" \
      >>"$work/client-$number"
    # A read as well, so catalog replicas serve the edge too.
    reply=$(api GET "/api/catalog/products/$product" || true)
    echo "$(status_of "$reply") read 0" >>"$work/client-$number"
    sleep 0.3
  done
}

client 1 &
load_pids+=($!)
client 2 &
load_pids+=($!)
started=$(date +%s)
sleep 2

# ---- the rolling update ----

for replica in "catalog 1" "catalog 2" "orders 1" "orders 2"; do
  set -- $replica
  variable=$(echo "$1_$2" | tr a-z A-Z)
  old_pid=$(env_get "${variable}_PID")
  echo "rolling-update: replacing $1-$2 (pid $old_pid)" >&2
  "$topology" restart-replica "$1" "$2" "$state" >&2 || fail "restart of $1-$2"
  new_pid=$(env_get "${variable}_PID")
  [ "$new_pid" != "$old_pid" ] || fail "$1-$2 kept pid $old_pid"
  ! kill -0 "$old_pid" 2>/dev/null || fail "the old $1-$2 (pid $old_pid) still runs"
  [ $(($(date +%s) - started)) -lt 150 ] || fail "the rolling update took over 150 s"
  sleep 6
done

touch "$work/stop"
wait "${load_pids[@]}"
load_pids=()

# ---- what the clients saw against what the system stored ----

cat "$work"/client-* >"$work/all"
requests=$(wc -l <"$work/all")
failed=$(awk '$1 != 201 && $1 != 200' "$work/all" | wc -l)
awk '$1 != 201 && $1 != 200 {print "rolling-update: failed request: " $0}' "$work/all" >&2
orders=$(awk '$1 == 201' "$work/all" | wc -l)
echo "rolling-update: $requests requests ($orders orders) in $(($(date +%s) - started)) s," \
  "$failed failed"
[ "$failed" -eq 0 ] || fail "$failed of $requests requests failed during the rolling update"
[ "$orders" -ge 20 ] || fail "only $orders orders were placed: the load did not run"

awk '$1 == 201 {print $2}' "$work/all" | sort >"$work/placed"
[ -z "$(uniq -d "$work/placed")" ] || fail "an order id was returned twice"

: >"$work/listed"
cursor=
for _ in $(seq 1 100); do
  reply=$(api GET "/api/orders?limit=100${cursor:+&cursor=$cursor}" -H "Authorization: Bearer $token")
  [ "$(status_of "$reply")" = 200 ] || fail "list orders: $(status_of "$reply")"
  body=$(body_of "$reply")
  # Only an order has the key "id": its lines carry product_id, and the owner is user_id.
  { grep -oE '"id":"[^"]+"' <<<"$body" || true; } | sed -E 's/"id":"([^"]+)"/\1/' \
    >>"$work/listed"
  cursor=$(sed -nE 's/.*"next_cursor":"([^"]+)".*/\1/p' <<<"$body")
  [ -n "$cursor" ] || break
done
sort -o "$work/listed" "$work/listed"
diff "$work/placed" "$work/listed" >&2 ||
  fail "the orders listed differ from the successful responses (< placed, > listed)"

ordered=$(awk '$1 == 201 {sum += $3} END {print sum + 0}' "$work/all")
reply=$(api GET "/api/catalog/products/$product")
stock=$(json_field stock "$(body_of "$reply")")
[ "$stock" -eq $((initial_stock - ordered)) ] ||
  fail "stock is $stock, expected $initial_stock - $ordered"
echo "rolling-update: $orders orders, $ordered items, stock $initial_stock -> $stock: consistent"
