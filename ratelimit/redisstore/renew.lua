-- renew: extend the leases a live process holds.
-- KEYS: 1 slots, 2 writer. ARGV: 1 now ms (0: the server's clock), 2 TTL
-- ms, 3.. lease members ("id|write|resource").
-- Returns how many leases were still held.
local function clock(arg)
  local now = tonumber(arg)
  if now > 0 then return now end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local now, ttl = clock(ARGV[1]), tonumber(ARGV[2])
local n = 0
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
    n = n + 1
    local id = string.match(ARGV[i], '^([^|]*)|1|')
    if id and redis.call('GET', KEYS[2]) == id then redis.call('PEXPIRE', KEYS[2], ttl) end
  end
end
if n > 0 then redis.call('PEXPIRE', KEYS[1], 2 * ttl) end
return n
