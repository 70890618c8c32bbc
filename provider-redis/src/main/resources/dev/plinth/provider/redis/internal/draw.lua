-- Fragment: draws n consecutive versions (first .. first + n - 1) from the sequence KEYS[2]; expects n and
-- nowus (the server's TIME in microseconds) in scope and sets first. The sequence never falls behind the
-- server clock in microseconds: a draw that would start at or below it starts CLOCK_LEAD_MICROS above it
-- instead, and a missing sequence (a new prefix, FLUSHALL, a restart without persistence, an evicted key:
-- INCRBY then starts from zero) starts LOSS_MARGIN_MICROS above it. LuaScript's javadoc says why no version
-- repeats after a loss.
local first = redis.call('INCRBY', KEYS[2], n) - n + 1
if first == 1 then first = nowus + ${LOSS_MARGIN_MICROS}; redis.call('SET', KEYS[2], string.format('%d', first + n - 1))
elseif first <= nowus then first = nowus + ${CLOCK_LEAD_MICROS}; redis.call('SET', KEYS[2], string.format('%d', first + n - 1)) end
