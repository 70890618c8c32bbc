-- ARGV[3] batch. Reclaims up to batch expired keys, reporting EXPIRE for each exactly once (the ZREM is
-- atomic with the report). Returns {reclaimed, retired generations pending}.
--#include prelude
local m = redis.call('ZRANGEBYSCORE', xk, '-inf', '(' .. string.format('%d', clock()), 'LIMIT', 0, tonumber(ARGV[3]))
-- One UNLINK and one ZREM per index for the whole batch (at most a few hundred keys).
if #m > 0 then
  local d = {}
  for i = 1, #m do d[i] = dk .. m[i]; ev[i] = 'E0 ' .. m[i] end
  redis.call('UNLINK', unpack(d))
  redis.call('ZREM', xk, unpack(m))
  redis.call('ZREM', lk, unpack(m))
end
publish()
return {#m, redis.call('SCARD', base .. '#gc')}
