-- state: the shared state, for visibility.
-- KEYS: 1 state, 2 slots, 3 points, 4 content per minute, 5 content per
-- hour, 6 GraphQL points, 7.. the budgets of the resources in ARGV[2..].
-- ARGV: 1 now ms (0: the server's clock), 2.. resource names.
-- Returns {pause left ms, in flight, points, content last minute, content
-- last hour, GraphQL points, then per resource: name, limit, remaining,
-- reset ms, in flight}.
local function clock(arg)
  local now = tonumber(arg)
  if now > 0 then return now end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local now = clock(ARGV[1])
local function sum(key, width, span)
  local raw = redis.call('HGETALL', key)
  local used = 0
  for i = 1, #raw, 2 do
    if (tonumber(raw[i]) + 1) * width + span > now then used = used + tonumber(raw[i + 1]) end
  end
  return used
end
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '0')
local left = 0
if paused > now then left = paused - now end
local members = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf')
local out = {left, #members, sum(KEYS[3], 1000, 60000), sum(KEYS[4], 1000, 60000), sum(KEYS[5], 60000, 3600000), sum(KEYS[6], 1000, 60000)}
for i = 2, #ARGV do
  local b = redis.call('HMGET', KEYS[5 + i], 'limit', 'remaining', 'reset')
  if b[2] and b[3] then
    local suffix, inflight = '|' .. ARGV[i], 0
    for _, m in ipairs(members) do
      if string.sub(m, -#suffix) == suffix then inflight = inflight + 1 end
    end
    out[#out + 1] = ARGV[i]
    out[#out + 1] = tonumber(b[1] or '0')
    out[#out + 1] = tonumber(b[2])
    out[#out + 1] = tonumber(b[3])
    out[#out + 1] = inflight
  end
end
return out
