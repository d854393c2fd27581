-- POST /api/auth/login as the bench's users in turn (BENCH_EMAILS, one address per line, all
-- with the password in BENCH_PASSWORD).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.report

local requests = {}
local next_request = 1

function init()
  local password = os.getenv("BENCH_PASSWORD")
  assert(password and password ~= "", "BENCH_PASSWORD is not set")
  for _, email in ipairs(common.lines("BENCH_EMAILS")) do
    local body = '{"email":"' .. email .. '","password":"' .. password .. '"}'
    requests[#requests + 1] =
      wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
  end
  next_request = (thread_index * 37) % #requests + 1
end

-- A login that waited users.hashing_wait_milliseconds for the password-hashing pool gets 503
-- with Retry-After. That is how a flood is shed, so those responses are counted separately.
shed = 0
function response(status)
  if status == 503 then shed = shed + 1 end
end

function request()
  local prepared = requests[next_request]
  next_request = next_request % #requests + 1
  return prepared
end
