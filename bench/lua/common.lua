-- Shared by the bench's wrk scripts: reading the token and product files run.sh writes, and
-- the one summary line run.sh parses. wrk loads each script once per thread and once in the
-- main thread; done() runs in the main thread after the last request.
local common = {}

-- The lines of the file that the environment variable `variable` names; fails when it is empty.
function common.lines(variable)
  local path = os.getenv(variable)
  assert(path and path ~= "", variable .. " is not set: run the scenario through bench/run.sh")
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  assert(#lines > 0, path .. " (" .. variable .. ") is empty")
  return lines
end

local threads = {}

-- One line that run.sh reads: throughput, latency percentiles in milliseconds, socket errors
-- (connect, read, write, timeout), responses with a status of 400 or more, and of those the
-- ones a script counted as shed (its threads' global `shed`).
function common.report(summary, latency)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local shed = 0
  for _, thread in ipairs(threads) do shed = shed + (thread:get("shed") or 0) end
  io.write(string.format(
    "bench-result requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f " ..
      "errors=%d non2xx=%d timeouts=%d shed=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors.connect + errors.read + errors.write + errors.timeout,
    errors.status, errors.timeout, shed))
end

-- Each thread starts at its own place in a rotation, so the threads do not move in step.
local thread_counter = 0
function common.setup(thread)
  thread:set("thread_index", thread_counter)
  thread_counter = thread_counter + 1
  threads[#threads + 1] = thread
end

return common
