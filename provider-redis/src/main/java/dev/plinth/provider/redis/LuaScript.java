package dev.plinth.provider.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Lua scripts that make every write atomic on the server. Each data script takes
 * {@code KEYS[1]} = the scope's generation key ({@code <prefix>{ns}#g}), {@code KEYS[2]} = the version
 * sequence, {@code ARGV[1]} = the change channel and {@code ARGV[2]} = the namespace path, so every key a
 * script touches shares the scope's hash tag (one cluster slot).
 *
 * <p>Per scope and generation {@code G}: {@code <prefix>{ns}:G:<key>} is a hash (field {@code v} value,
 * {@code r} version) with the Redis expiry set to the key's expiry; {@code <prefix>{ns}#x:G} is a sorted set
 * of live keys scored by expiry (epoch ms, {@link #NO_EXPIRY_SCORE} for none), the single source of truth
 * for liveness, quotas and sweeping; {@code <prefix>{ns}#l:G} is the same keys with score 0 for listing in
 * byte order with {@code ZRANGEBYLEX}. Time comes from the server's {@code TIME}, never the client's clock.
 *
 * <p>Change messages: the namespace path, then one line per change {@code <T><version> <key>} with
 * {@code T} one of {@code S D E C}; keys never contain a line feed (control characters are invalid).
 */
final class LuaScript {
    /** Score of a key that never expires: 2^53-1, exact as a double and beyond any real expiry. */
    static final long NO_EXPIRY_SCORE = 9007199254740991L;

    /** The scope's current key names; every data script starts with it. */
    private static final String HEAD = String.join("\n",
            "local base = string.sub(KEYS[1], 1, -3)",
            "local gen = redis.call('GET', KEYS[1]) or '0'",
            "local dk = base .. ':' .. gen .. ':'",
            "local xk = base .. '#x:' .. gen",
            "local lk = base .. '#l:' .. gen",
            "local NOEXP = " + NO_EXPIRY_SCORE,
            "local function n(x) return string.format('%d', x) end",
            "");

    /**
     * Reads take liveness from Redis's own expiry of the hash (set to the same instant as the index score;
     * Redis treats a key as expired only when now > expiry, the same rule as score >= now, and freezes its
     * clock for a script), so a read is one HMGET per key: no TIME and no index lookup. Hashes written
     * before the {@code e} field existed fall back to the index score against the server's TIME.
     */
    private static final String READ = HEAD + String.join("\n",
            "local now",
            "local function clock()",
            "  if not now then",
            "    local t = redis.call('TIME')",
            "    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            "  end",
            "  return now",
            "end",
            // The expiry as reported ('0' = never) of an old-layout hash without 'e', or nil when not live.
            "local function legacy(k)",
            "  local s = redis.call('ZSCORE', xk, k)",
            "  if not s then return nil end",
            "  s = tonumber(s)",
            "  if s < clock() then return nil end",
            "  if s == NOEXP then return '0' end",
            "  return n(s)",
            "end",
            "");

    private static final String PRELUDE = HEAD + String.join("\n",
            "local t = redis.call('TIME')",
            "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            "local ev = {}",
            "local function score(k)",
            "  local s = redis.call('ZSCORE', xk, k)",
            "  if s then return tonumber(s) end",
            "  return nil",
            "end",
            "local function publish()",
            "  if #ev > 0 then redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\\n' .. table.concat(ev, '\\n')) end",
            "end",
            "local function drop(k)",
            "  redis.call('UNLINK', dk .. k)",
            "  redis.call('ZREM', xk, k)",
            "  redis.call('ZREM', lk, k)",
            "end",
            // The live version as text ('0' when absent or expired): compared as text, never as a double.
            "local function version(k)",
            "  local s = score(k)",
            "  if not s or s < now then return '0' end",
            "  return redis.call('HGET', dk .. k, 'r') or '0'",
            "end",
            // Reclaims an expired leftover so the caller can treat the key as absent; reports EXPIRE once.
            // Returns the live key's score, nil when absent: the index holds every live key (and the listing
            // index the same keys), so a non-nil score also says both indexes already hold it.
            "local function reclaim(k)",
            "  local s = score(k)",
            "  if s and s < now then drop(k); ev[#ev + 1] = 'E0 ' .. k; return nil end",
            "  return s",
            "end",
            "local function expiry(ttl)",
            "  if ttl > 0 then return now + ttl end",
            "  return NOEXP",
            "end",
            // The hash's 'e' field: epoch ms, '0' for never.
            "local function etext(e)",
            "  if e == NOEXP then return '0' end",
            "  return n(e)",
            "end",
            // Moves the expiry of k from score s (nil: the hash is new, so it has no Redis expiry) to e. The
            // caller has written 'e'. Redis calls only for what changes: a key without expiry that gets none
            // needs neither PERSIST nor ZADD.
            "local function setexpiry(k, s, e)",
            "  if e ~= NOEXP then redis.call('PEXPIREAT', dk .. k, e)",
            "  elseif s and s ~= NOEXP then redis.call('PERSIST', dk .. k) end",
            "  if s ~= e then redis.call('ZADD', xk, e, k) end",
            "end",
            // ver: the version as text, drawn by the caller.
            "local function put(k, v, ttl, ver)",
            "  local s = reclaim(k)",
            "  local e = expiry(ttl)",
            "  redis.call('HSET', dk .. k, 'v', v, 'r', ver, 'e', etext(e))",
            "  setexpiry(k, s, e)",
            "  if not s then redis.call('ZADD', lk, 0, k) end",
            "  ev[#ev + 1] = 'S' .. ver .. ' ' .. k",
            "end",
            "");

    /** ARGV[3..]: keys. Returns key, value, version, expiresAt (0 = never) for each live key. */
    static final LuaScript GET = new LuaScript("get", READ + String.join("\n",
            "local out = {}",
            "for i = 3, #ARGV do",
            "  local k = ARGV[i]",
            "  local h = redis.call('HMGET', dk .. k, 'v', 'r', 'e')",
            "  if h[1] and h[2] then",
            "    local e = h[3] or legacy(k)",
            "    if e then",
            "      out[#out + 1] = k; out[#out + 1] = h[1]; out[#out + 1] = h[2]; out[#out + 1] = e",
            "    end",
            "  end",
            "end",
            "return out"));

    /** ARGV[3]: key. Returns 1 when live. */
    static final LuaScript EXISTS = new LuaScript("exists", READ + String.join("\n",
            "local k = ARGV[3]",
            "local h = redis.call('HMGET', dk .. k, 'v', 'r', 'e')",
            "if h[1] and h[2] and (h[3] or legacy(k)) then return 1 end",
            "return 0"));

    /**
     * ARGV[3] maxKeys, ARGV[4] precondition count, then (key, expected version) pairs, then the write
     * count, then (op P|R, key, ttl, value) quads. Returns {'C', key, actual} on a failed precondition,
     * {'Q', key} when the quota is exceeded (nothing written either way), else {'OK', deleted, key, version,
     * ...} for each put. The puts draw their versions with one INCRBY, in write order.
     */
    static final LuaScript COMMIT = new LuaScript("commit", PRELUDE + String.join("\n",
            "local maxKeys = tonumber(ARGV[3])",
            "local i = 4",
            "local npre = tonumber(ARGV[i]); i = i + 1",
            "for p = 1, npre do",
            "  local k = ARGV[i]; local want = ARGV[i + 1]; i = i + 2",
            "  local cur = version(k)",
            "  if cur ~= want then return {'C', k, cur} end",
            "end",
            "local nw = tonumber(ARGV[i]); i = i + 1",
            "local first = i",
            "local nput = 0",
            "local j = first",
            "for w = 1, nw do",
            "  if ARGV[j] == 'P' then nput = nput + 1 end",
            "  j = j + 4",
            "end",
            "if maxKeys > 0 then",
            "  local count = redis.call('ZCOUNT', xk, now, '+inf')",
            "  local present = {}",
            "  j = first",
            "  for w = 1, nw do",
            "    local op = ARGV[j]; local k = ARGV[j + 1]; j = j + 4",
            "    local here = present[k]",
            "    if here == nil then here = version(k) ~= '0' end",
            "    if op == 'P' then",
            "      if not here then",
            "        count = count + 1",
            "        if count > maxKeys then return {'Q', k} end",
            "      end",
            "      present[k] = true",
            "    else",
            "      if here then count = count - 1 end",
            "      present[k] = false",
            "    end",
            "  end",
            "end",
            "local ver = 0",
            "if nput > 0 then ver = redis.call('INCRBY', KEYS[2], nput) - nput end",
            "local deleted = 0",
            "local out = {'OK', 0}",
            "j = first",
            "for w = 1, nw do",
            "  local op = ARGV[j]; local k = ARGV[j + 1]",
            "  if op == 'P' then",
            "    ver = ver + 1",
            "    local vt = n(ver)",
            "    put(k, ARGV[j + 3], tonumber(ARGV[j + 2]), vt)",
            "    out[#out + 1] = k; out[#out + 1] = vt",
            "  else",
            "    local s = score(k)",
            "    if s then",
            "      drop(k)",
            "      if s >= now then deleted = deleted + 1; ev[#ev + 1] = 'D0 ' .. k",
            "      else ev[#ev + 1] = 'E0 ' .. k end",
            "    end",
            "  end",
            "  j = j + 4",
            "end",
            "out[2] = deleted",
            "publish()",
            "return out"));

    /**
     * ARGV[3] maxKeys, ARGV[4] key, ARGV[5] delta (decimal). Redis's HINCRBY does the 64-bit arithmetic
     * (Lua numbers are doubles: its reply is used only when exact, below 2^53, else the value is read back
     * as text). Returns {'OK', value, version}, {'N', error} or {'Q', key}.
     */
    static final LuaScript INCREMENT = new LuaScript("increment", PRELUDE + String.join("\n",
            "local k = ARGV[4]",
            "local s = reclaim(k)",
            "if s and redis.call('HEXISTS', dk .. k, 'v') == 0 then drop(k); s = nil end",
            "local val",
            "if s then",
            "  local r = redis.pcall('HINCRBY', dk .. k, 'v', ARGV[5])",
            "  if type(r) == 'table' and r.err then publish(); return {'N', r.err} end",
            "  if r < 9007199254740992 and r > -9007199254740992 then val = n(r) end",
            "else",
            "  local maxKeys = tonumber(ARGV[3])",
            "  if maxKeys > 0 and redis.call('ZCOUNT', xk, now, '+inf') >= maxKeys then publish(); return {'Q', k} end",
            "  val = ARGV[5]",
            "end",
            "local ver = n(redis.call('INCR', KEYS[2]))",
            "if s then",
            // Rewriting 'e' costs nothing in the same HSET and upgrades a hash of the old layout.
            "  redis.call('HSET', dk .. k, 'r', ver, 'e', etext(s))",
            "  if not val then val = redis.call('HGET', dk .. k, 'v') end",
            "else",
            "  redis.call('HSET', dk .. k, 'v', val, 'r', ver, 'e', '0')",
            "  redis.call('ZADD', xk, NOEXP, k)",
            "  redis.call('ZADD', lk, 0, k)",
            "end",
            "ev[#ev + 1] = 'S' .. ver .. ' ' .. k",
            "publish()",
            "return {'OK', val, ver}"));

    /** ARGV[3] key, ARGV[4] ttl (0 = never). Returns 1 when the key was live. */
    static final LuaScript EXPIRE = new LuaScript("expire", PRELUDE + String.join("\n",
            "local k = ARGV[3]",
            "local s = reclaim(k)",
            "publish()",
            "if not s then return 0 end",
            "local e = expiry(tonumber(ARGV[4]))",
            "redis.call('HSET', dk .. k, 'e', etext(e))",
            "setexpiry(k, s, e)",
            "return 1"));

    /**
     * ARGV[3] min, ARGV[4] max (ZRANGEBYLEX syntax), ARGV[5] count. Returns server time (ms), then member
     * and expiry score ('-1' when missing) pairs; the caller filters by score and pattern.
     */
    static final LuaScript SCAN_RANGE = new LuaScript("range", PRELUDE + String.join("\n",
            "local m = redis.call('ZRANGEBYLEX', lk, ARGV[3], ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))",
            "local out = {n(now)}",
            "for i = 1, #m do",
            "  out[#out + 1] = m[i]",
            "  out[#out + 1] = redis.call('ZSCORE', xk, m[i]) or '-1'",
            "end",
            "return out"));

    /** Returns the number of live keys of the scope. */
    static final LuaScript COUNT_ALL = new LuaScript("countAll", PRELUDE + "return redis.call('ZCOUNT', xk, now, '+inf')");

    /**
     * Switches the scope to a new generation in O(1): the old generation's keys become unreachable at once
     * and are unlinked later by {@link #COLLECT}. Reports one CLEAR.
     */
    static final LuaScript CLEAR = new LuaScript("clear", String.join("\n",
            "local base = string.sub(KEYS[1], 1, -3)",
            "local old = redis.call('GET', KEYS[1]) or '0'",
            "redis.call('INCR', KEYS[1])",
            "redis.call('SADD', base .. '#gc', old)",
            "redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\\nC0 ')",
            "return old"));

    /**
     * ARGV[1] budget. Unlinks up to budget keys of retired generations (UNLINK frees memory off the main
     * thread). Returns 1 when work remains.
     */
    static final LuaScript COLLECT = new LuaScript("collect", String.join("\n",
            "local base = string.sub(KEYS[1], 1, -3)",
            "local cur = redis.call('GET', KEYS[1]) or '0'",
            "local budget = tonumber(ARGV[1])",
            "for _, g in ipairs(redis.call('SMEMBERS', base .. '#gc')) do",
            "  if g ~= cur then",
            "    local lk = base .. '#l:' .. g",
            "    local m = redis.call('ZRANGE', lk, 0, budget - 1)",
            "    for i = 1, #m do redis.call('UNLINK', base .. ':' .. g .. ':' .. m[i]) end",
            "    if #m > 0 then redis.call('ZREM', lk, unpack(m)) end",
            "    budget = budget - #m",
            "    if redis.call('ZCARD', lk) == 0 then",
            "      redis.call('UNLINK', lk, base .. '#x:' .. g)",
            "      redis.call('SREM', base .. '#gc', g)",
            "    end",
            "    if budget <= 0 then return 1 end",
            "  else",
            "    redis.call('SREM', base .. '#gc', g)",
            "  end",
            "end",
            "return 0"));

    /**
     * ARGV[3] batch. Reclaims up to batch expired keys, reporting EXPIRE for each exactly once (the ZREM is
     * atomic with the report). Returns {reclaimed, retired generations pending}.
     */
    static final LuaScript SWEEP = new LuaScript("sweep", PRELUDE + String.join("\n",
            "local m = redis.call('ZRANGEBYSCORE', xk, '-inf', '(' .. n(now), 'LIMIT', 0, tonumber(ARGV[3]))",
            "for i = 1, #m do drop(m[i]); ev[#ev + 1] = 'E0 ' .. m[i] end",
            "publish()",
            "return {#m, redis.call('SCARD', base .. '#gc')}"));

    /** KEYS[1] lock key, ARGV[1] token, ARGV[2] lease ms. Returns 1 when renewed. */
    static final LuaScript RENEW_LOCK = new LuaScript("renewLock", String.join("\n",
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end",
            "return 0"));

    /** KEYS[1] lock key, ARGV[1] token. Returns 1 when released. */
    static final LuaScript UNLOCK = new LuaScript("unlock", String.join("\n",
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end",
            "return 0"));

    final String name;
    final byte[] body;
    final byte[] sha;

    private LuaScript(String name, String body) {
        this.name = name;
        this.body = body.getBytes(StandardCharsets.UTF_8);
        this.sha = sha1Hex(this.body).getBytes(StandardCharsets.US_ASCII);
    }

    private static String sha1Hex(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(data);
            StringBuilder b = new StringBuilder(40);
            for (byte x : d) {
                b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
            }
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
