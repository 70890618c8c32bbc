-- Fragment: the start of the point reads. Names only the data keys of the scope's current generation:
-- a read needs neither the index nor the clock.
local gen = redis.call('GET', KEYS[1]) or '0'
local dk = string.sub(KEYS[1], 1, -3) .. ':' .. gen .. ':'
