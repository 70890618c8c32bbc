-- ARGV[3] maxKeys, ARGV[4] precondition count, then (key, expected version) pairs, then the write count,
-- then (op, key, ttl, value) quads: op P (put; ttl 0 = never, -1 = keep the live key's expiry), R (remove;
-- ttl and value empty) or E (expire: a new expiry for a live key, value empty).
-- Returns {'C', key, actual} on a failed precondition, {'Q', key} when the quota is exceeded (nothing
-- written either way), else {'OK', first, applied}: the puts drew versions first, first + 1, ... in write
-- order from one draw (first is 0 without puts), and applied has one character per write, '1' when it
-- found its key live (a put always) and '0' when not.
--
-- A put writes v, r and e in one HSET and then only what changes: the Redis expiry (PEXPIREAT for an
-- expiry, PERSIST only when the key had one and gets none), the expiry index (only when the score changes)
-- and the listing index (only for a new key). Index changes and removals are collected and sent once per
-- batch at the end (one UNLINK, one ZREM and one ZADD per index), not per write.
--#include prelude
local maxKeys = tonumber(ARGV[3])
local i = 4
local npre = tonumber(ARGV[i]); i = i + 1
for p = 1, npre do
  local k = ARGV[i]; local want = ARGV[i + 1]; i = i + 2
  local cur = version(k)
  if cur ~= want then return {'C', k, cur} end
end
local nw = tonumber(ARGV[i]); i = i + 1
local first = i
local nput = 0
local j = first
for w = 1, nw do
  if ARGV[j] == 'P' then nput = nput + 1 end
  j = j + 4
end
if maxKeys > 0 then
  local count = redis.call('ZCOUNT', xk, clock(), '+inf')
  local present = {}
  j = first
  for w = 1, nw do
    local op = ARGV[j]; local k = ARGV[j + 1]; j = j + 4
    local here = present[k]
    if here == nil then here = version(k) ~= '0' end
    if op == 'P' then
      if not here then
        count = count + 1
        if count > maxKeys then return {'Q', k} end
      end
      present[k] = true
    elseif op == 'R' then
      if here then count = count - 1 end
      present[k] = false
    else
      present[k] = here
    end
  end
end
local base_ver = 0
if nput > 0 then base_ver = draw(nput) - 1 end
-- cur[k]: the index score of k as this batch's writes leave it (false = absent), first read for all written
-- keys with ZMSCORE in chunks (unpack has a stack limit) instead of one ZSCORE per write; a later write of
-- the same key sees what the earlier one left. Redis formats every score it replies with as %.17g text,
-- which for NOEXP (16 digits) costs about 0.3 us per key, a sixth of a batch of overwrites: when no key of
-- the scope has an expiry (one ZCOUNT, O(log n)), every indexed key's score is NOEXP and the listing index,
-- which holds the same keys with score 0, answers presence for less.
local cur = {}
local wk = {}
j = first
for w = 1, nw do wk[w] = ARGV[j + 1]; j = j + 4 end
local expiring = redis.call('ZCOUNT', xk, '-inf', '(${NO_EXPIRY_SCORE}') > 0
for c = 1, nw, ${SCORE_CHUNK} do
  local last = math.min(c + ${SCORE_CHUNK} - 1, nw)
  if expiring then
    local sc = redis.call('ZMSCORE', xk, unpack(wk, c, last))
    for q = c, last do
      local x = sc[q - c + 1]
      if x then cur[wk[q]] = tonumber(x) else cur[wk[q]] = false end
    end
  else
    local sc = redis.call('ZMSCORE', lk, unpack(wk, c, last))
    for q = c, last do
      if sc[q - c + 1] then cur[wk[q]] = NOEXP else cur[wk[q]] = false end
    end
  end
end
local ver = base_ver
local ap = {}
-- Index writes and removals are collected and sent at the end, one UNLINK, one ZREM per index and one ZADD
-- per index for the batch instead of up to three calls per write (each redis.call costs the server about
-- half a microsecond): xs[k] is the score a write leaves in the expiry index, ls[k] marks a key new to the
-- listing index, dd[k] a removed key whose hash and index entries go; xo/lo/dl keep first-seen order so the
-- commands are the same on every run. A remove cancels the batch's pending adds of its key; a put after a
-- pending remove unlinks the old hash first (the ZREMs at the end run before the ZADDs, which put the key
-- back).
local xs, xo, ls, lo, dd, dl = {}, {}, {}, {}, {}, {}
j = first
for w = 1, nw do
  local k = wk[w]
  local s = cur[k]
  local op = ARGV[j]
  if op == 'P' then
    ver = ver + 1
    local vt = string.format('%d', ver)
    -- An expired leftover is reclaimed and reported once, then treated as absent.
    if s and s ~= NOEXP and s < clock() then drop(k); ev[#ev + 1] = 'E0 ' .. k; s = false end
    local ttl = tonumber(ARGV[j + 2])
    local e = NOEXP
    local et = '0'
    local keep = false
    if ttl > 0 then e = clock() + ttl; et = string.format('%d', e)
    elseif ttl < 0 and s then keep = true; e = s; if s ~= NOEXP then et = string.format('%d', s) end end
    local d = dk .. k
    if dd[k] then redis.call('UNLINK', d); dd[k] = false end
    redis.call('HSET', d, 'v', ARGV[j + 3], 'r', vt, 'e', et)
    -- A kept expiry is already the hash's: HSET leaves a key's Redis expiry alone.
    if e ~= NOEXP then if not keep then redis.call('PEXPIREAT', d, e) end
    elseif s and s ~= NOEXP then redis.call('PERSIST', d) end
    if s ~= e then
      if xs[k] == nil then xo[#xo + 1] = k end
      xs[k] = e
    end
    if not s then
      if ls[k] == nil then lo[#lo + 1] = k end
      ls[k] = true
    end
    cur[k] = e
    ev[#ev + 1] = 'S' .. vt .. ' ' .. k
    ap[w] = '1'
  elseif op == 'R' or (s and s ~= NOEXP and s < clock()) then
    -- A remove, or an expire that meets an expired leftover: the leftover is reclaimed and reported once.
    if s then
      cur[k] = false
      if xs[k] then xs[k] = false end
      if ls[k] then ls[k] = false end
      if dd[k] == nil then dl[#dl + 1] = k end
      dd[k] = true
      if op == 'R' and (s == NOEXP or s >= clock()) then ap[w] = '1'; ev[#ev + 1] = 'D0 ' .. k
      else ap[w] = '0'; ev[#ev + 1] = 'E0 ' .. k end
    else
      ap[w] = '0'
    end
  elseif s then
    -- An expire of a live key: value and version stay, the hash's 'e', its Redis expiry and the score move.
    local ttl = tonumber(ARGV[j + 2])
    local d = dk .. k
    local e = NOEXP
    if ttl > 0 then
      e = clock() + ttl
      redis.call('HSET', d, 'e', string.format('%d', e))
      redis.call('PEXPIREAT', d, e)
    else
      redis.call('HSET', d, 'e', '0')
      if s ~= NOEXP then redis.call('PERSIST', d) end
    end
    if s ~= e then
      if xs[k] == nil then xo[#xo + 1] = k end
      xs[k] = e
    end
    cur[k] = e
    ap[w] = '1'
  else
    ap[w] = '0'
  end
  j = j + 4
end
-- Pending removals, then adds, in chunks: unpack has a stack limit.
local zd, zk = {}, {}
for _, k in ipairs(dl) do
  if dd[k] then zk[#zk + 1] = dk .. k end
  zd[#zd + 1] = k
  if #zd >= ${SCORE_CHUNK} then
    if #zk > 0 then redis.call('UNLINK', unpack(zk)) end
    redis.call('ZREM', xk, unpack(zd)); redis.call('ZREM', lk, unpack(zd)); zd = {}; zk = {}
  end
end
if #zk > 0 then redis.call('UNLINK', unpack(zk)) end
if #zd > 0 then redis.call('ZREM', xk, unpack(zd)); redis.call('ZREM', lk, unpack(zd)) end
local za = {}
for _, k in ipairs(xo) do
  if xs[k] then za[#za + 1] = xs[k]; za[#za + 1] = k end
  if #za >= ${ZADD_CHUNK} then redis.call('ZADD', xk, unpack(za)); za = {} end
end
if #za > 0 then redis.call('ZADD', xk, unpack(za)) end
za = {}
for _, k in ipairs(lo) do
  if ls[k] then za[#za + 1] = 0; za[#za + 1] = k end
  if #za >= ${ZADD_CHUNK} then redis.call('ZADD', lk, unpack(za)); za = {} end
end
if #za > 0 then redis.call('ZADD', lk, unpack(za)) end
publish()
return {'OK', base_ver + 1, table.concat(ap)}
