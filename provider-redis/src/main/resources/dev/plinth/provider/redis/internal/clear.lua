-- Switches the scope to a new generation in O(1): the old generation's keys become unreachable at once and
-- are unlinked later by collect.lua. Reports one CLEAR.
local base = string.sub(KEYS[1], 1, -3)
local old = redis.call('GET', KEYS[1]) or '0'
redis.call('INCR', KEYS[1])
redis.call('SADD', base .. '#gc', old)
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\nC0 ')
return old
