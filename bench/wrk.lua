-- The wrk script behind every load the benchmark makes (bench/wrk.py runs wrk with it).
--
-- One address: `wrk -s bench/wrk.lua URL`. No request() or response() is defined, so wrk builds
-- the request once and never hands a response to Lua: its fastest path, for the read benchmark.
--
-- A mix of addresses: `wrk -s bench/wrk.lua URL -- PATHS_FILE`. Each request picks one path of
-- the file (one a line) at random, and each response's status is counted, so that a 404 can be
-- told from a 5xx (wrk itself lumps every status >= 400 together). init() defines request() and
-- response() only in this mode: wrk looks for them after init() has run.
--
-- At the end it prints one JSON line: totals, latency percentiles in microseconds, wrk's error
-- counts and, in mix mode, {status: count}.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  local file = args[1]
  if not file then
    return
  end
  local paths = {}
  for line in io.lines(file) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  math.randomseed(id)  -- `id` was set by setup(): each thread draws its own sequence
  statuses = {}
  request = function()
    return wrk.format("GET", paths[math.random(#paths)])
  end
  response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

done = function(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "status": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
end
