-- ARGV[3] maxKeys, ARGV[4] key, ARGV[5] delta (decimal). Redis's HINCRBY does the 64-bit arithmetic (Lua
-- numbers are doubles: its reply is used only when exact, below 2^53, else the value is read back as text)
-- and checks the stored text: it accepts exactly the canonical decimal form of Counters (Redis's string2ll:
-- at most 20 characters, an optional '-', no leading zero, no "-0", no '+' or spaces) and refuses a sum
-- outside a long. Returns {'OK', value, version}, {'N', error, stored value} (nothing written) or
-- {'Q', key}. The expiry is kept.
--#include prelude
local k = ARGV[4]
local s = reclaim(k)
if s and redis.call('HEXISTS', dk .. k, 'v') == 0 then drop(k); s = nil end
local val
if s then
  local r = redis.pcall('HINCRBY', dk .. k, 'v', ARGV[5])
  if type(r) == 'table' and r.err then publish(); return {'N', r.err, redis.call('HGET', dk .. k, 'v')} end
  if r < 9007199254740992 and r > -9007199254740992 then val = string.format('%d', r) end
else
  local maxKeys = tonumber(ARGV[3])
  if maxKeys > 0 and redis.call('ZCOUNT', xk, clock(), '+inf') >= maxKeys then publish(); return {'Q', k} end
  val = ARGV[5]
end
local ver = string.format('%d', draw(1))
if s then
  -- 'e' is rewritten from the score in the same HSET, at no extra cost, so the hash always carries it.
  local et = '0'
  if s ~= NOEXP then et = string.format('%d', s) end
  redis.call('HSET', dk .. k, 'r', ver, 'e', et)
  if not val then val = redis.call('HGET', dk .. k, 'v') end
else
  redis.call('HSET', dk .. k, 'v', val, 'r', ver, 'e', '0')
  redis.call('ZADD', xk, NOEXP, k)
  redis.call('ZADD', lk, 0, k)
end
ev[#ev + 1] = 'S' .. ver .. ' ' .. k
publish()
return {'OK', val, ver}
