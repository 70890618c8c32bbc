-- The live entries of the scope's current generation after a key, in byte order (EntryScan): the listing
-- index walked with ZRANGEBYLEX and each member's hash read with HMGET, in one script, so a page is one round
-- trip and one moment. Liveness is the hash's own Redis expiry, as in get.lua, so a page holds exactly what a
-- read of its keys would return; an expired leftover still in the index (not yet swept) is passed over, and
-- the walk goes on until the page is full or the index ends, so a short page is the last one.
-- ARGV[3]: the ZRANGEBYLEX start ('-', or '(' and the key to start after), ARGV[4]: the most entries.
-- Returns key, value, version and expiry ('0' = never) of each entry, flattened.
--#include read-head
local lk = string.sub(KEYS[1], 1, -3) .. '#l:' .. gen
local want = tonumber(ARGV[4])
local min = ARGV[3]
local out = {}
local found = 0
while found < want do
  local ask = want - found
  local m = redis.call('ZRANGEBYLEX', lk, min, '+', 'LIMIT', 0, ask)
  for i = 1, #m do
    local h = redis.call('HMGET', dk .. m[i], 'v', 'r', 'e')
    if h[1] and h[2] and h[3] then
      local o = #out
      out[o + 1] = m[i]; out[o + 2] = h[1]; out[o + 3] = h[2]; out[o + 4] = h[3]
      found = found + 1
    end
  end
  if #m < ask then break end
  min = '(' .. m[#m]
end
return out
