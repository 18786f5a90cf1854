-- release: end a lease and record what GitHub answered; the same rules as
-- ratelimit.MemoryStore.Release, atomically.
--
-- KEYS: 1 state, 2 slots, 3 writer, 4 the budget the answer speaks of,
-- 5 the set of known resources.
-- ARGV: 1 now ms (0: the server's clock), 2 lease member, 3 lease id,
-- 4 write (0/1), 5 budget: 0 nothing, 1 headers, 2 one unit spent,
-- 6 limit, 7 remaining, 8 reset ms, 9 resource, 10 succeeded (0/1),
-- 11 secondary (0/1), 12 Retry-After ms (-1: back off), 13 first pause ms,
-- 14 longest pause ms.
-- Returns {pause ms, pause end minus now in ms}.
local function clock(arg)
  local now = tonumber(arg)
  if now > 0 then return now end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local now = clock(ARGV[1])
local function fmt(n) return string.format('%d', math.floor(n)) end

redis.call('ZREM', KEYS[2], ARGV[2])
if ARGV[4] == '1' then
  if redis.call('GET', KEYS[3]) == ARGV[3] then redis.call('DEL', KEYS[3]) end
  -- Spacing counts from the end of a write.
  local last = tonumber(redis.call('HGET', KEYS[1], 'last_write') or '0')
  if now > last then redis.call('HSET', KEYS[1], 'last_write', fmt(now)) end
end

local mode = ARGV[5]
if mode == '1' then
  local limit, remaining, reset = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
  local old = redis.call('HMGET', KEYS[4], 'remaining', 'reset')
  -- Answers arrive out of order; within a window the lowest figure is
  -- the latest.
  if old[1] and old[2] and tonumber(old[2]) == reset and tonumber(old[1]) < remaining then
    remaining = tonumber(old[1])
  end
  redis.call('HSET', KEYS[4], 'limit', fmt(limit), 'remaining', fmt(remaining), 'reset', fmt(reset))
  redis.call('PEXPIRE', KEYS[4], math.max(reset - now, 0) + 3600000)
  redis.call('SADD', KEYS[5], ARGV[9])
  redis.call('PEXPIRE', KEYS[5], 7200000)
elseif mode == '2' then
  local r = redis.call('HGET', KEYS[4], 'remaining')
  if r and tonumber(r) > 0 then redis.call('HINCRBY', KEYS[4], 'remaining', -1) end
end

local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '0')
local pause = 0
if ARGV[11] == '1' then
  pause = tonumber(ARGV[12])
  if pause < 0 then
    local streak = tonumber(redis.call('HGET', KEYS[1], 'streak') or '0')
    if streak > 0 and paused > now then
      -- Sent before the pause began, with the ones that caused it: join it.
      pause = paused - now
    else
      local first, longest = tonumber(ARGV[13]), tonumber(ARGV[14])
      pause = first
      for _ = 1, streak do
        if pause >= longest then break end
        pause = pause * 2
      end
      if pause > longest then pause = longest end
      redis.call('HSET', KEYS[1], 'streak', streak + 1)
    end
  end
  if now + pause > paused then
    paused = now + pause
    redis.call('HSET', KEYS[1], 'paused_until', fmt(paused))
  end
  redis.call('PEXPIRE', KEYS[1], math.max(3600000, paused - now + 60000))
elseif ARGV[10] == '1' then
  redis.call('HSET', KEYS[1], 'streak', 0)
end
local left = 0
if paused > now then left = paused - now end
return {pause, left}
