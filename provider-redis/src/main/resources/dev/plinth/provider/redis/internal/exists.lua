-- ARGV[3]: key. Returns 1 when live (liveness as in get.lua).
--#include read-head
local h = redis.call('HMGET', dk .. ARGV[3], 'v', 'r', 'e')
if h[1] and h[2] and h[3] then return 1 end
return 0
