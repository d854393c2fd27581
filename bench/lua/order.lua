-- POST /api/orders: one line of quantity 1, rotating over the users' tokens (BENCH_TOKENS) and
-- the products (BENCH_PRODUCTS, one id per line), each request with an Idempotency-Key of its
-- own (BENCH_RUN_ID keeps the keys of separate runs apart).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.report

local tokens, products
local run_id = os.getenv("BENCH_RUN_ID") or "run"
local sent = 0

function init()
  tokens = common.lines("BENCH_TOKENS")
  products = common.lines("BENCH_PRODUCTS")
end

function request()
  sent = sent + 1
  local token = tokens[(sent + thread_index * 37) % #tokens + 1]
  local product = products[(sent + thread_index) % #products + 1]
  local body = '{"items":[{"product_id":"' .. product .. '","quantity":1}]}'
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, thread_index, sent),
  }, body)
end
