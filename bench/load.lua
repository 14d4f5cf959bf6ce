-- wrk script for the load bench: counts the answers by status and prints one JSON line.
-- BENCH_MODE: get (the URL as given), redeem (the redeem form as htmx sends it), purchase
-- (a till's POST /api/v1/purchases) or probe (an empty POST). Every write carries a key
-- of its own: the run, the thread and a counter.
local mode = os.getenv("BENCH_MODE") or "get"
local run = os.getenv("BENCH_RUN") or "run"
local csrf = os.getenv("BENCH_CSRF") or ""
local price = os.getenv("BENCH_PRICE") or ""  -- the confirm form's points_price and cash_fen
local api_key = os.getenv("BENCH_API_KEY") or ""
local members = tonumber(os.getenv("BENCH_MEMBERS") or "1")
local occurred_at = os.getenv("BENCH_OCCURRED_AT") or ""
-- The chain's tills, taken in turn: risk control holds the points of a till posting more than
-- 30 purchases a minute, and a held purchase credits nothing, which is not the usual purchase.
local tills = 1000

local threads = {}
local counter = 0
statuses = {}
-- The member's browser keeps the cookies the mall sends, as a phone does: the session's
-- cookie is signed again when the session changes (its "seen" once a minute), and a browser
-- that sent the old one back forever would make every request change it again.
local jar, cookie = nil, nil

local function keep_cookies(header)
  jar = jar or {}
  for name, value in string.gmatch(header, "([^=;%s]+)=([^;]*)") do jar[name] = value end
  local parts = {}
  for name, value in pairs(jar) do table.insert(parts, name .. "=" .. value) end
  cookie = table.concat(parts, "; ")
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local function with_headers(extra)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  if cookie then headers["Cookie"] = cookie end
  for name, value in pairs(extra) do headers[name] = value end
  return headers
end

function init(args)
  if wrk.headers["Cookie"] then keep_cookies(wrk.headers["Cookie"]) end
end

function request()
  counter = counter + 1
  local key = string.format("%s-%d-%d", run, id, counter)
  if mode == "redeem" then
    return wrk.format("POST", nil, with_headers({
      ["Content-Type"] = "application/x-www-form-urlencoded", ["HX-Request"] = "true"}),
      "csrf_token=" .. csrf .. "&quantity=1&" .. price .. "&key=" .. key)
  elseif mode == "purchase" then
    local phone = string.format("139%08d", 1 + (counter * 7919 + id * 104729) % members)
    local till = string.format("T%04d", (counter * 2 + id) % tills)
    local body = string.format('{"member_phone": "%s", "reference": "%s", ' ..
      '"amount_fen": 8800, "lines": [{"category": "coffee", "amount_fen": 8800}], ' ..
      '"occurred_at": "%s", "till": "%s"}', phone, key, occurred_at, till)
    return wrk.format("POST", nil, with_headers({
      ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. api_key,
      ["Idempotency-Key"] = key}), body)
  elseif mode == "probe" then
    return wrk.format("POST", nil, nil, "")
  end
  if cookie then return wrk.format("GET", nil, with_headers({})) end
  return wrk.format("GET")
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local set = jar and headers["Set-Cookie"]
  if set then keep_cookies(string.match(set, "^[^;]*")) end
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local errors = summary.errors
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, errors.connect, errors.read, errors.write, errors.timeout,
    table.concat(parts, ", ")))
end
