-- Fragment: the shared start of the write scripts and the index readers: key names, the server clock read
-- once and only when needed (clock()), the version sequence (draw(n), see draw.lua), change collection and
-- the index-based liveness they use. Redis runs a script's whole body on every call, so every local
-- function (a closure) and every redis.call is paid per operation: the hot scripts define few functions,
-- build names only when used and call TIME only when a version is drawn or an expiry is involved.
local base = string.sub(KEYS[1], 1, -3)
local gen = redis.call('GET', KEYS[1]) or '0'
local dk = base .. ':' .. gen .. ':'
local xk = base .. '#x:' .. gen
local lk = base .. '#l:' .. gen
local NOEXP = ${NO_EXPIRY_SCORE}
local now, nowus
-- TIME is read once per script, and only by scripts that compare or set an expiry or draw a version. A key
-- scored NOEXP is live whatever the time, so a read never needs the clock.
local function clock()
  if not now then
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    nowus = tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  return now
end
local function draw(n)
  clock()
--#include draw
  return first
end
local ev = {}
local function publish()
  if #ev > 0 then redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\n' .. table.concat(ev, '\n')) end
end
local function drop(k)
  redis.call('UNLINK', dk .. k)
  redis.call('ZREM', xk, k)
  redis.call('ZREM', lk, k)
end
-- The index score of a live key; nil when absent. An expired leftover is reclaimed (reported as EXPIRE once)
-- and treated as absent. The index holds every live key and the listing index the same keys, so a non-nil
-- score also says both indexes already hold it.
local function reclaim(k)
  local s = redis.call('ZSCORE', xk, k)
  if not s then return nil end
  s = tonumber(s)
  if s ~= NOEXP and s < clock() then drop(k); ev[#ev + 1] = 'E0 ' .. k; return nil end
  return s
end
-- The live version as text ('0' when absent or expired): compared as text, never as a double.
local function version(k)
  local s = redis.call('ZSCORE', xk, k)
  if not s then return '0' end
  s = tonumber(s)
  if s ~= NOEXP and s < clock() then return '0' end
  return redis.call('HGET', dk .. k, 'r') or '0'
end
