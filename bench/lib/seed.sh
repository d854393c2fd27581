# The bench's data (sourced by bench/run.sh): users and their access tokens, an admin token,
# products with ample stock, and a check that every scenario's request gets its status.
# shellcheck shell=bash disable=SC2154 # the variables come from bench/run.sh, which sources this

bench_users=${BENCH_USERS:-200}
bench_products=40
user_password=bench-$(openssl rand -hex 12)
tokens_at=0

# Runs COMMAND ARGUMENT for every argument, four at a time; fails when any of them fails.
in_parallel() {
  local command=$1 argument pids=() failed=0 pid
  shift
  for argument in "$@"; do
    "$command" "$argument" &
    pids+=("$!")
    if [ ${#pids[@]} -ge 4 ]; then
      for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
      pids=()
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

create_user() {
  local index=$1 status
  status=$(curl -s -o "$results/seed/user-$index.json" -w '%{http_code}' --max-time 30 \
    "$users_direct/api/users" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench-$index@bench.example\",\"password\":\"$user_password\",\"display_name\":\"Bench $index\"}")
  [ "$status" = 201 ] || { echo "bench: creating user $index got $status" >&2; return 1; }
}

# Logs in as EMAIL straight at the auth role and prints the access token.
access_token_of() {
  local email=$1 password=$2 body
  body=$(curl -s --max-time 30 "$auth_direct/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}")
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"$body" | grep . ||
    { echo "bench: login of $email failed: ${body:0:200}" >&2; return 1; }
}

log_in_user() {
  access_token_of "bench-$1@bench.example" "$user_password" >"$results/seed/token-$1"
}

# Logs every bench user in again and rewrites the token file wrk reads.
refresh_tokens() {
  local indexes
  mapfile -t indexes < <(seq 1 "$bench_users")
  in_parallel log_in_user "${indexes[@]}"
  local index
  for index in "${indexes[@]}"; do cat "$results/seed/token-$index"; done >"$results/tokens"
  tokens_at=$(date +%s)
}

# Access tokens live 10 minutes (auth.access_token_ttl): new ones before a round once the
# current ones are 5 minutes old.
ensure_fresh_tokens() {
  if [ $(($(date +%s) - tokens_at)) -ge 300 ]; then
    say "logging the bench users in again for fresh tokens"
    refresh_tokens
  fi
}

create_product() {
  local index=$1 body
  body=$(curl -s --max-time 30 "$catalog_direct/api/catalog/products" \
    -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d "{\"sku\":\"BENCH-$index\",\"name\":\"Bench product $index\",\"description\":\"A product of the bench\",\"price_cents\":1250,\"stock\":1000000000}")
  grep -o '"id":"[^"]*"' <<<"$body" | head -1 | cut -d'"' -f4 | grep . \
    >"$results/seed/product-$index" ||
    { echo "bench: creating product $index failed: ${body:0:200}" >&2; return 1; }
}

seed_data() {
  rm -rf "$results/seed"
  mkdir -p "$results/seed"
  local indexes
  say "creating $bench_users users"
  mapfile -t indexes < <(seq 1 "$bench_users")
  in_parallel create_user "${indexes[@]}"
  printf 'bench-%s@bench.example\n' "${indexes[@]}" >"$results/emails"
  say "logging them in"
  refresh_tokens

  admin_token=$(access_token_of "$(topology_value ADMIN_EMAIL)" \
    "$(cat "$(topology_value ADMIN_PASSWORD_FILE)")")
  say "creating $bench_products products"
  mapfile -t indexes < <(seq 1 "$bench_products")
  in_parallel create_product "${indexes[@]}"
  local index
  for index in "${indexes[@]}"; do cat "$results/seed/product-$index"; done >"$results/products"
}

# One request per scenario, as wrk will send it, must get the scenario's status.
check_scenarios() {
  local token product name url status
  token=$(head -1 "$results/tokens")
  product=$(head -1 "$results/products")
  for name in nginx-ceiling proxy-ceiling poco-204 verify authed-read catalog-list order-place \
      login; do
    read -r url _ <<<"$(scenario_spec "$name")"
    case "$name" in
      verify | authed-read) status=$(http_status -H "Authorization: Bearer $token" "$url") ;;
      order-place)
        status=$(http_status -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
          -H "Idempotency-Key: bench-check-$run_id" \
          -d "{\"items\":[{\"product_id\":\"$product\",\"quantity\":1}]}" "$url") ;;
      login)
        status=$(http_status -H 'Content-Type: application/json' \
          -d "{\"email\":\"bench-1@bench.example\",\"password\":\"$user_password\"}" "$url") ;;
      *) status=$(http_status "$url") ;;
    esac
    if [ "$status" != "$(expected_status "$name")" ]; then
      echo "bench: $name ($url) answered $status, not $(expected_status "$name")" >&2
      return 1
    fi
  done
}
