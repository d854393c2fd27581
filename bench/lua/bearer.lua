-- GET of the URL's path with a bearer token, rotating over every token in BENCH_TOKENS (one
-- access token per line, each of another user): verify and authed-read.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.report

local requests = {}
local next_request = 1

function init()
  for _, token in ipairs(common.lines("BENCH_TOKENS")) do
    requests[#requests + 1] =
      wrk.format("GET", nil, {["Authorization"] = "Bearer " .. token})
  end
  next_request = (thread_index * 37) % #requests + 1
end

function request()
  local prepared = requests[next_request]
  next_request = next_request % #requests + 1
  return prepared
end
