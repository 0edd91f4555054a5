-- LoadBenchmark's wrk script. Arguments: the expected body, then one Cookie header value per
-- logged-in user (none for the no-filter variant). Requests go round-robin over the users, each
-- request built once in init(); every response must be 200 with exactly the expected body.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  expected = args[1]
  ok = 0
  bad = 0
  requests = {}
  if #args < 2 then
    requests[1] = wrk.format("GET", wrk.path)
  else
    for i = 2, #args do
      requests[i - 1] = wrk.format("GET", wrk.path, { ["Cookie"] = args[i] })
    end
  end
  nextRequest = 0
end

function request()
  nextRequest = nextRequest % #requests + 1
  return requests[nextRequest]
end

function response(status, headers, body)
  if status == 200 and body == expected then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  io.write(string.format("CHECK ok=%d bad=%d\n", o, b))
end
