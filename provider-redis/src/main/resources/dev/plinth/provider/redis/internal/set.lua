-- A lone put without preconditions: exactly what commit.lua does for one P write and no precondition (same
-- quota rule, expired-leftover reclaim reported as EXPIRE, one version from the sequence, the same hash,
-- expiry and index writes, the same change message), written without prelude.lua's closures and with one
-- HGET of the hash's expiry field instead of a chunked ZMSCORE. Every redis.call and closure costs the server
-- about half a microsecond, and a plain set is the most frequent write: this script runs in about 60% of
-- commit.lua's server time for it (5.0 vs 8.0 us with redis-benchmark).
-- ARGV[3] maxKeys, ARGV[4] key, ARGV[5] ttl (0 = never), ARGV[6] value. Returns the version as an integer,
-- or {'Q', key} when the quota is exceeded (nothing written).
local base = string.sub(KEYS[1], 1, -3)
local gen = redis.call('GET', KEYS[1]) or '0'
local xk = base .. '#x:' .. gen
local k = ARGV[4]
local d = base .. ':' .. gen .. ':' .. k
local NOEXP = ${NO_EXPIRY_SCORE}
local now, nowus
-- The hash's 'e' field is the key's index score ('0' for NOEXP) whenever Redis returns it: every script
-- writes both together, and Redis's expiry of the hash hides it exactly when the score says expired. An HGET
-- replies with that text; a ZSCORE formats the double with %.17g, which costs the server about a
-- microsecond. Only a hash that is gone (an absent key, an expired leftover) needs the index.
local s
local he = redis.call('HGET', d, 'e')
if he then
  if he == '0' then s = NOEXP else s = tonumber(he) end
else
  s = redis.call('ZSCORE', xk, k)
  if s then s = tonumber(s) end
end
-- Every put draws a version, which needs the clock (see draw.lua).
--#include clock
local maxKeys = tonumber(ARGV[3])
-- commit.lua's rule: a put of a key that is not live (no live score, or no version in its hash) adds one
-- to the live count, which must stay within maxKeys.
if maxKeys > 0 then
  if not (s and (s == NOEXP or s >= now) and redis.call('HGET', d, 'r')) then
    if redis.call('ZCOUNT', xk, now, '+inf') >= maxKeys then return {'Q', k} end
  end
end
local n = 1
--#include draw
local ver = first
local vt = string.format('%d', ver)
local ev = ''
-- An expired leftover is reclaimed and reported once, then treated as absent.
if s and s ~= NOEXP and s < now then
    redis.call('UNLINK', d)
    redis.call('ZREM', xk, k)
    redis.call('ZREM', base .. '#l:' .. gen, k)
    ev = 'E0 ' .. k .. '\n'
    s = false
end
local ttl = tonumber(ARGV[5])
local e = NOEXP
local et = '0'
if ttl > 0 then
  e = now + ttl
  et = string.format('%d', e)
end
redis.call('HSET', d, 'v', ARGV[6], 'r', vt, 'e', et)
if e ~= NOEXP then redis.call('PEXPIREAT', d, e)
elseif s and s ~= NOEXP then redis.call('PERSIST', d) end
if s ~= e then redis.call('ZADD', xk, e, k) end
if not s then redis.call('ZADD', base .. '#l:' .. gen, 0, k) end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\n' .. ev .. 'S' .. vt .. ' ' .. k)
return ver
