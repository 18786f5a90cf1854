-- acquire: admit a request if every limit allows it now, reserving what it
-- uses; the same rules as ratelimit.MemoryStore.Acquire, atomically.
--
-- KEYS: 1 state (hash: paused_until, streak, last_write), 2 slots (zset:
-- lease member -> expiry), 3 writer (string: lease id, with a TTL),
-- 4 points, 5 content per minute, 6 content per hour (hashes: bucket ->
-- amount), 7 the primary budget of the resource (hash: limit, remaining,
-- reset).
-- ARGV: 1 now in ms (0: the server's clock), 2 lease id, 3 resource ('' for
-- none), 4 write (0/1), 5 points, 6 content (0/1), 7 max concurrent,
-- 8 write spacing ms, 9 points per minute, 10 content per minute,
-- 11 content per hour (0: not enforced), 12 reset buffer ms, 13 lease TTL ms.
-- Returns {1} when admitted, else {0, reason, wait ms, shared (0/1)}.
local function clock(arg)
  local now = tonumber(arg)
  if now > 0 then return now end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local now = clock(ARGV[1])
local id, resource, write = ARGV[2], ARGV[3], ARGV[4] == '1'
local points, content = tonumber(ARGV[5]), ARGV[6] == '1'
local maxConc, spacing = tonumber(ARGV[7]), tonumber(ARGV[8])
local ppm, cpm, cph = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local buffer, ttl = tonumber(ARGV[12]), tonumber(ARGV[13])

-- A window counts amounts in buckets of width ms; a bucket counts until
-- span ms after its end. Returns the wait until need more fits in limit.
local function window(key, width, span, need, limit)
  if limit <= 0 then return 0 end
  if need > limit then need = limit end
  local raw = redis.call('HGETALL', key)
  local used, list = 0, {}
  for i = 1, #raw, 2 do
    local exp = (tonumber(raw[i]) + 1) * width + span
    if exp <= now then
      redis.call('HDEL', key, raw[i])
    else
      local n = tonumber(raw[i + 1])
      used = used + n
      list[#list + 1] = {exp, n}
    end
  end
  if used + need <= limit then return 0 end
  table.sort(list, function(a, b) return a[1] < b[1] end)
  local freed = 0
  for _, e in ipairs(list) do
    freed = freed + e[2]
    if used - freed + need <= limit then return e[1] - now end
  end
  return 0
end
local function add(key, width, span, n)
  if n > 0 then
    redis.call('HINCRBY', key, string.format('%d', math.floor(now / width)), n)
    redis.call('PEXPIRE', key, span + 2 * width)
  end
end

-- Leases of processes that died have expired.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)

local wait, reason = 0, ''
local function consider(r, d)
  if d > wait then wait, reason = d, r end
end
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '0')
if paused > now then consider('secondary rate limit pause', paused - now) end
if resource ~= '' then
  local b = redis.call('HMGET', KEYS[7], 'remaining', 'reset')
  if b[1] and b[2] then
    local untilMs = tonumber(b[2]) + buffer
    if untilMs <= now then
      redis.call('DEL', KEYS[7])
    else
      local inflight = 0
      local suffix = '|' .. resource
      for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
        if string.sub(m, -#suffix) == suffix then inflight = inflight + 1 end
      end
      if tonumber(b[1]) - inflight <= 0 then consider('primary rate limit', untilMs - now) end
    end
  end
end
consider('points per minute', window(KEYS[4], 1000, 60000, points, ppm))
if content then
  consider('content creations per hour', window(KEYS[6], 60000, 3600000, 1, cph))
  consider('content creations per minute', window(KEYS[5], 1000, 60000, 1, cpm))
end
if wait > 0 then return {0, reason, math.ceil(wait), 0} end

if write then
  local pttl = redis.call('PTTL', KEYS[3])
  if pttl > 0 then return {0, 'another write in flight', pttl, 1} end
  local last = tonumber(redis.call('HGET', KEYS[1], 'last_write') or '0')
  if last + spacing > now then return {0, 'write spacing', last + spacing - now, 0} end
end
if redis.call('ZCARD', KEYS[2]) >= math.max(maxConc, 1) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, 'concurrency cap', tonumber(first[2]) - now, 1}
end

local w = '0'
if write then w = '1' end
redis.call('ZADD', KEYS[2], now + ttl, id .. '|' .. w .. '|' .. resource)
redis.call('PEXPIRE', KEYS[2], 2 * ttl)
if write then
  redis.call('SET', KEYS[3], id, 'PX', ttl)
  redis.call('HSET', KEYS[1], 'last_write', string.format('%d', now))
  redis.call('PEXPIRE', KEYS[1], math.max(3600000, paused - now + 60000))
end
add(KEYS[4], 1000, 60000, points)
if content then
  add(KEYS[5], 1000, 60000, 1)
  add(KEYS[6], 60000, 3600000, 1)
end
return {1}
