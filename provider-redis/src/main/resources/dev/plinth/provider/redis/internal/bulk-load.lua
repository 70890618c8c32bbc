-- A bulk load (BulkLoad): puts of distinct keys that the scope does not hold, each with its own ttl, as a
-- migration into an empty target writes them. The caller's promise that no key is live lets it skip every
-- read commit.lua and put-all.lua make (presence, scores, expired leftovers): per key one HSET and, with an
-- expiry, one PEXPIREAT; the indexes in a few ZADDs; one draw of versions. No change message: nothing uses a
-- target being loaded, and its watchers would get a million lines they never asked for.
-- ARGV[3..]: (key, value, ttl) triples, ttl in ms (0 = never). Returns the version of the first put; the
-- others follow one by one in argument order.
--#include prelude
local n = (#ARGV - 2) / 3
local first = draw(n)
local xa, la = {}, {}
for w = 1, n do
  local a = 3 * w
  local k = ARGV[a]
  local ttl = tonumber(ARGV[a + 2])
  local d = dk .. k
  if ttl > 0 then
    local e = now + ttl
    redis.call('HSET', d, 'v', ARGV[a + 1], 'r', string.format('%d', first + w - 1), 'e', string.format('%d', e))
    redis.call('PEXPIREAT', d, e)
    xa[#xa + 1] = e
  else
    redis.call('HSET', d, 'v', ARGV[a + 1], 'r', string.format('%d', first + w - 1), 'e', '0')
    xa[#xa + 1] = NOEXP
  end
  xa[#xa + 1] = k
  la[#la + 1] = 0
  la[#la + 1] = k
end
-- In chunks: unpack has a stack limit. ZADD lists take two values per key.
for c = 1, #xa, ${ZADD_CHUNK} do redis.call('ZADD', xk, unpack(xa, c, math.min(c + ${ZADD_CHUNK} - 1, #xa))) end
for c = 1, #la, ${ZADD_CHUNK} do redis.call('ZADD', lk, unpack(la, c, math.min(c + ${ZADD_CHUNK} - 1, #la))) end
return first
