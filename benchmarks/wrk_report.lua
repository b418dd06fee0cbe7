-- wrk script of benchmarks/bench_web.py: GET a random path from a list, with a session cookie,
-- and print one machine-readable result line at the end.
--
-- Environment:
--   BENCH_PATHS   a file with one request path (and query) per line, e.g. /cases/RUN/17/2024
--   BENCH_COOKIE  the Cookie header value, e.g. caseflow_session=...
--
-- Output (stdout, after wrk's own report), one line:
--   WRK_RESULT {"requests": …, "seconds": …, "rps": …, "p50_ms": …, "p95_ms": …, "p99_ms": …,
--               "non2xx": …, "socket_errors": …, …}
-- non2xx counts every response outside 200–299 (wrk's own "Non-2xx" ignores 3xx, and a
-- redirect to the login page would be a broken benchmark, so it counts here).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_no", #threads)
end

function init(args)
   paths = {}
   for line in io.lines(os.getenv("BENCH_PATHS")) do
      if line ~= "" then
         paths[#paths + 1] = line
      end
   end
   if #paths == 0 then
      error("BENCH_PATHS lists no paths")
   end
   math.randomseed(os.time() * 100 + (thread_no or 0))
   wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") or ""
   non2xx = 0
end

function request()
   return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   local function ms(p)
      return latency:percentile(p) / 1000
   end
   io.write(string.format(
      'WRK_RESULT {"requests": %d, "seconds": %.3f, "rps": %.2f, "bytes": %d, '
         .. '"mean_ms": %.3f, "p50_ms": %.3f, "p90_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, '
         .. '"max_ms": %.3f, "non2xx": %d, "socket_errors": %d, "connect_errors": %d, '
         .. '"read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
      summary.requests, seconds, summary.requests / seconds, summary.bytes,
      latency.mean / 1000, ms(50), ms(90), ms(95), ms(99), latency.max / 1000,
      bad, e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout
   ))
end
