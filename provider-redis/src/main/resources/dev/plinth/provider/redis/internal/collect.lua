-- ARGV[1] budget. Unlinks up to budget keys of retired generations (UNLINK frees memory off the main thread).
-- Returns 1 when work remains.
local base = string.sub(KEYS[1], 1, -3)
local cur = redis.call('GET', KEYS[1]) or '0'
local budget = tonumber(ARGV[1])
for _, g in ipairs(redis.call('SMEMBERS', base .. '#gc')) do
  if g ~= cur then
    local lk = base .. '#l:' .. g
    local m = redis.call('ZRANGE', lk, 0, budget - 1)
    for i = 1, #m do redis.call('UNLINK', base .. ':' .. g .. ':' .. m[i]) end
    if #m > 0 then redis.call('ZREM', lk, unpack(m)) end
    budget = budget - #m
    if redis.call('ZCARD', lk) == 0 then
      redis.call('UNLINK', lk, base .. '#x:' .. g)
      redis.call('SREM', base .. '#gc', g)
    end
    if budget <= 0 then return 1 end
  else
    redis.call('SREM', base .. '#gc', g)
  end
end
return 0
