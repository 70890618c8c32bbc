-- ARGV[3] key, ARGV[4] ttl (0 = never). Gives a live key a new expiry, keeping value and version: the hash's
-- 'e', its Redis expiry and its score move together. Returns 1 when the key was live.
--#include prelude
local k = ARGV[3]
local s = reclaim(k)
publish()
if not s then return 0 end
local ttl = tonumber(ARGV[4])
local d = dk .. k
if ttl > 0 then
  local e = clock() + ttl
  redis.call('HSET', d, 'e', string.format('%d', e))
  redis.call('PEXPIREAT', d, e)
  if s ~= e then redis.call('ZADD', xk, e, k) end
else
  redis.call('HSET', d, 'e', '0')
  if s ~= NOEXP then redis.call('PERSIST', d); redis.call('ZADD', xk, NOEXP, k) end
end
return 1
