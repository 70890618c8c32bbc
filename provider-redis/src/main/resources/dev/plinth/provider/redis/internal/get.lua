-- ARGV[3..]: keys. Returns, for each key in order, its value, version and expiresAt ('0' = never) when it
-- is live, else a single false (a live value is never nil, so the reply parses unambiguously).
-- Liveness is Redis's own expiry of the hash: every write sets it (PEXPIREAT) to the same instant as the
-- 'e' field and the index score, Redis treats a key as expired only when now > expiry (the rule score >= now
-- means live) and it freezes its clock for a script, so a read is one HMGET per key and no TIME.
--#include read-head
local out = {}
local o = 0
for i = 3, #ARGV do
  local h = redis.call('HMGET', dk .. ARGV[i], 'v', 'r', 'e')
  if h[1] and h[2] and h[3] then out[o + 1] = h[1]; out[o + 2] = h[2]; out[o + 3] = h[3]; o = o + 3
  else out[o + 1] = false; o = o + 1 end
end
return out
