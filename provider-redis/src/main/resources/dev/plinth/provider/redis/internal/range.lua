-- ARGV[3] min, ARGV[4] max (ZRANGEBYLEX syntax), ARGV[5] count (at most SCORE_CHUNK: the members' scores
-- are read with one ZMSCORE). Returns the server time (ms), then member and expiry score ('-1' when
-- missing) pairs; the caller filters by score and pattern.
--#include prelude
local m = redis.call('ZRANGEBYLEX', lk, ARGV[3], ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))
local out = {string.format('%d', clock())}
if #m > 0 then
  local sc = redis.call('ZMSCORE', xk, unpack(m))
  for i = 1, #m do
    out[2 * i] = m[i]
    out[2 * i + 1] = sc[i] or '-1'
  end
end
return out
