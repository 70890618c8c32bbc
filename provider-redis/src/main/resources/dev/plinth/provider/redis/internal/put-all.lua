-- A batch of puts of distinct keys with one ttl, no precondition and no key quota, the shape of every
-- setAll: what commit.lua does for such a batch (the same versions, hash, expiry, index writes, reclaims and
-- change message) with less server work per key. When no key of the scope has an expiry (one ZCOUNT), a key
-- is new exactly when its HSET adds all three fields, so presence costs no read at all; commit.lua's
-- ZMSCORE, whose %.17g score formatting costs about 0.4 us per key, and its per-key bookkeeping for repeated
-- keys and removals are skipped. Otherwise the scores are read with ZMSCORE, as commit.lua does, to reclaim
-- expired leftovers and keep expiries right.
-- ARGV[3]: the ttl of every put (0 = never), then (key, value) pairs. Returns the version of the first put;
-- the others follow one by one in argument order.
--#include prelude
local n = (#ARGV - 3) / 2
local first = draw(n)
-- One expiry for the whole batch: the hash field text and the Redis expiry are the same for every key.
local ttl = tonumber(ARGV[3])
local e = NOEXP
local et = '0'
if ttl > 0 then e = clock() + ttl; et = string.format('%d', e) end
local expiring = redis.call('ZCOUNT', xk, '-inf', '(${NO_EXPIRY_SCORE}') > 0
-- sc[w]: the index score of the w-th key (false when absent), read only when some key expires.
local sc
if expiring then
  clock()
  sc = {}
  for c = 1, n, ${SCORE_CHUNK} do
    local last = math.min(c + ${SCORE_CHUNK} - 1, n)
    local ks = {}
    for w = c, last do ks[w - c + 1] = ARGV[2 + 2 * w] end
    local r = redis.call('ZMSCORE', xk, unpack(ks))
    for w = c, last do local x = r[w - c + 1]; if x then sc[w] = tonumber(x) else sc[w] = false end end
  end
end
-- Index changes are collected and sent at the end: removals of reclaimed leftovers, then adds.
local xa, la, gone = {}, {}, {}
for w = 1, n do
  local a = 2 + 2 * w
  local k = ARGV[a]
  local vt = string.format('%d', first + w - 1)
  local d = dk .. k
  local s
  if expiring then
    s = sc[w]
    -- An expired leftover is reclaimed and reported once, then treated as absent.
    if s and s ~= NOEXP and s < now then
      redis.call('UNLINK', d); gone[#gone + 1] = k; ev[#ev + 1] = 'E0 ' .. k; s = false
    end
    redis.call('HSET', d, 'v', ARGV[a + 1], 'r', vt, 'e', et)
  else
    if redis.call('HSET', d, 'v', ARGV[a + 1], 'r', vt, 'e', et) == 3 then s = false else s = NOEXP end
  end
  if e ~= NOEXP then redis.call('PEXPIREAT', d, e)
  elseif s and s ~= NOEXP then redis.call('PERSIST', d) end
  if s ~= e then xa[#xa + 1] = e; xa[#xa + 1] = k end
  if not s then la[#la + 1] = 0; la[#la + 1] = k end
  ev[#ev + 1] = 'S' .. vt .. ' ' .. k
end
-- In chunks of SCORE_CHUNK keys: unpack has a stack limit. ZADD lists take two values per key.
local function chunked(cmd, key, list, size)
  for c = 1, #list, size do redis.call(cmd, key, unpack(list, c, math.min(c + size - 1, #list))) end
end
chunked('ZREM', xk, gone, ${SCORE_CHUNK})
chunked('ZREM', lk, gone, ${SCORE_CHUNK})
chunked('ZADD', xk, xa, ${ZADD_CHUNK})
chunked('ZADD', lk, la, ${ZADD_CHUNK})
publish()
return first
