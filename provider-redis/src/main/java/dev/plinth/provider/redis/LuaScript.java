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
 * {@code r} version, {@code e} expiry in epoch ms, {@code 0} for none) with the Redis expiry (PEXPIREAT) set
 * to that same instant; {@code <prefix>{ns}#x:G} is a sorted set of live keys scored by expiry ({@link
 * #NO_EXPIRY_SCORE} for none), the source of truth for writes, preconditions, quotas, counting, listing and
 * sweeping; {@code <prefix>{ns}#l:G} is the same keys with score 0 for listing in byte order with
 * {@code ZRANGEBYLEX}. Every script that sets an expiry writes all three ({@code e}, PEXPIREAT, score)
 * together, so point reads ({@link #GET}, {@link #EXISTS}) can rely on the hash alone: Redis's own expiry
 * decides liveness (a key is expired when now > expiry, matching score >= now for live) and {@code e} is the
 * reported expiry. Hashes written before {@code e} existed are read through their index score; any write
 * to such a key adds {@code e}. Time comes from the server ({@code TIME}, or Redis's clock for its own
 * expiry), never the client's clock. A commit draws all its puts' versions in one step from the
 * sequence (see {@link #DRAW}).
 *
 * <p>Change messages: the namespace path, then one line per change {@code <T><version> <key>} with
 * {@code T} one of {@code S D E C}; keys never contain a line feed (control characters are invalid).
 */
final class LuaScript {
    /** Score of a key that never expires: 2^53-1, exact as a double and beyond any real expiry. */
    static final long NO_EXPIRY_SCORE = 9007199254740991L;
    /** Members per ZMSCORE in a commit: far below Lua's limit on unpacked values (LUAI_MAXCSTACK, 8000). */
    static final int SCORE_CHUNK = 1000;
    /**
     * How far ahead of the server clock (in µs, so in versions) a sequence starts when it is missing: it
     * covers the lead the lost sequence may have had over the clock ({@link #CLOCK_LEAD_MICROS} plus a
     * batch) and a server clock that stepped back by up to the rest. No larger than any sane Sentinel {@code down-after-milliseconds}
     * or Cluster {@code node-timeout}, so that no automatic failover completes while a sequence is still
     * ahead of the clock by this margin (see {@link #DRAW}).
     */
    static final long LOSS_MARGIN_MICROS = 1_000_000L;

    /*
     * Cost model: Redis runs a script's whole body on every call, so every local function (a closure), every
     * key name built and every redis.call is paid per operation; the hot scripts (GET, COMMIT) therefore
     * define few functions, build names only when used and call TIME only when a version is drawn or an
     * expiry is involved.
     */

    /**
     * Reads take liveness from Redis's own expiry of the hash (set to the same instant as the index score;
     * Redis treats a key as expired only when now > expiry, the same rule as score >= now, and freezes its
     * clock for a script), so a read is one HMGET per key: no TIME and no index lookup. A hash written before
     * the {@code e} field existed falls back to its index score against the server's TIME. Sets {@code e}
     * (the reported expiry, '0' = never) or leaves it nil when the key is not live; expects {@code k},
     * {@code h} (the HMGET of v, r, e) and {@code now} (nil until first needed) in scope.
     */
    private static final String READ_LIVE = String.join("\n",
            "local e = h[3]",
            "if not (h[1] and h[2]) then e = nil",
            "elseif not e then",
            "  local s = redis.call('ZSCORE', string.sub(KEYS[1], 1, -3) .. '#x:' .. gen, k)",
            "  if s then",
            "    s = tonumber(s)",
            "    if not now then local t = redis.call('TIME'); now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end",
            "    if s == " + NO_EXPIRY_SCORE + " then e = '0' elseif s >= now then e = string.format('%d', s) end",
            "  end",
            "end",
            "");

    /** Names only the data keys: a read needs no index unless it meets an old-layout hash. */
    private static final String READ_HEAD = String.join("\n",
            "local gen = redis.call('GET', KEYS[1]) or '0'",
            "local dk = string.sub(KEYS[1], 1, -3) .. ':' .. gen .. ':'",
            "local now",
            "");

    /**
     * ARGV[3..]: keys. Returns, for each key in order, its value, version and expiresAt (0 = never) when it
     * is live, else a single nil (a live value is never nil, so the reply parses unambiguously).
     */
    static final LuaScript GET = new LuaScript("get", READ_HEAD + String.join("\n",
            "local out = {}",
            "local o = 0",
            "for i = 3, #ARGV do",
            "  local k = ARGV[i]",
            "  local h = redis.call('HMGET', dk .. k, 'v', 'r', 'e')",
            READ_LIVE,
            "  if e then out[o + 1] = h[1]; out[o + 2] = h[2]; out[o + 3] = e; o = o + 3",
            "  else out[o + 1] = false; o = o + 1 end",
            "end",
            "return out"));

    /** ARGV[3]: key. Returns 1 when live. */
    static final LuaScript EXISTS = new LuaScript("exists", READ_HEAD + String.join("\n",
            "local k = ARGV[3]",
            "local h = redis.call('HMGET', dk .. k, 'v', 'r', 'e')",
            READ_LIVE,
            "if e then return 1 end",
            "return 0"));

    /**
     * How far ahead of the server clock (in µs, so in versions) a sequence that fell behind it is set: the
     * writes of the next millisecond then draw with a plain INCRBY, and only about one write per ms also
     * writes the sequence (a SET of it on every write cost the server about 1 µs more per lone put, a
     * quarter of its time). Kept small: a failover that completes within this lead of the old master's last
     * write could hand out its versions again.
     */
    static final long CLOCK_LEAD_MICROS = 1_000L;

    /**
     * Draws {@code n} consecutive versions ({@code first .. first + n - 1}) from the sequence {@code KEYS[2]};
     * expects {@code n} and {@code nowus} (the server's TIME in µs) in scope and sets {@code first}. The
     * sequence never falls behind the server clock in µs: a draw that would start at or below it starts
     * {@link #CLOCK_LEAD_MICROS} above it instead, and a missing sequence (a new prefix, FLUSHALL, a restart
     * without persistence, an evicted key: INCRBY then starts from zero) starts {@link #LOSS_MARGIN_MICROS}
     * above it.
     *
     * <p>Why no version repeats after a loss. Redis cannot draw one version per µs for long (a put costs it
     * more than that), so the sequence stays within {@code CLOCK_LEAD_MICROS} plus the batch being drawn of
     * the clock (within {@code LOSS_MARGIN_MICROS} for a second after a loss): everything handed out before
     * a loss is below the clock at the loss plus that lead. When the sequence is gone, the first version
     * after the loss is the clock plus the loss margin, above all of it even if the server clock stepped
     * back by up to the margin less the lead. When an older copy survived (a replica promoted after it
     * lagged, a restart from an old snapshot), that copy is at most the same lead above the clock at the
     * time it was copied, and the first draw after the failover, detected seconds later, is above the clock
     * then. All clients of a server draw from the same key inside the same atomic scripts against the
     * server's clock, so clients agree on nothing and their clocks do not matter. In µs the clock stays
     * below 2^53 (exact in Lua's doubles) until the year 2255.
     */
    private static final String DRAW = String.join("\n",
            "local first = redis.call('INCRBY', KEYS[2], n) - n + 1",
            "if first == 1 then first = nowus + " + LOSS_MARGIN_MICROS
                    + "; redis.call('SET', KEYS[2], string.format('%d', first + n - 1))",
            "elseif first <= nowus then first = nowus + " + CLOCK_LEAD_MICROS
                    + "; redis.call('SET', KEYS[2], string.format('%d', first + n - 1)) end",
            "");

    /**
     * Shared start of the write scripts and the index readers: key names, the server clock read once and
     * only when needed ({@code clock()}), the version sequence ({@code draw(n)}, see {@link #DRAW}), change
     * collection and the index-based liveness they use.
     */
    private static final String PRELUDE = String.join("\n",
            "local base = string.sub(KEYS[1], 1, -3)",
            "local gen = redis.call('GET', KEYS[1]) or '0'",
            "local dk = base .. ':' .. gen .. ':'",
            "local xk = base .. '#x:' .. gen",
            "local lk = base .. '#l:' .. gen",
            "local NOEXP = " + NO_EXPIRY_SCORE,
            "local now, nowus",
            // TIME is read once per script, and only by scripts that compare or set an expiry or draw a
            // version. A key scored NOEXP is live whatever the time, so a read never needs the clock.
            "local function clock()",
            "  if not now then",
            "    local t = redis.call('TIME')",
            "    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            "    nowus = tonumber(t[1]) * 1000000 + tonumber(t[2])",
            "  end",
            "  return now",
            "end",
            "local function draw(n)",
            "  clock()",
            DRAW,
            "  return first",
            "end",
            "local ev = {}",
            "local function publish()",
            "  if #ev > 0 then redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\\n' .. table.concat(ev, '\\n')) end",
            "end",
            "local function drop(k)",
            "  redis.call('UNLINK', dk .. k)",
            "  redis.call('ZREM', xk, k)",
            "  redis.call('ZREM', lk, k)",
            "end",
            // The index score of a live key; nil when absent. An expired leftover is reclaimed (reported as
            // EXPIRE once) and treated as absent. The index holds every live key and the listing index the
            // same keys, so a non-nil score also says both indexes already hold it.
            "local function reclaim(k)",
            "  local s = redis.call('ZSCORE', xk, k)",
            "  if not s then return nil end",
            "  s = tonumber(s)",
            "  if s ~= NOEXP and s < clock() then drop(k); ev[#ev + 1] = 'E0 ' .. k; return nil end",
            "  return s",
            "end",
            // The live version as text ('0' when absent or expired): compared as text, never as a double.
            "local function version(k)",
            "  local s = redis.call('ZSCORE', xk, k)",
            "  if not s then return '0' end",
            "  s = tonumber(s)",
            "  if s ~= NOEXP and s < clock() then return '0' end",
            "  return redis.call('HGET', dk .. k, 'r') or '0'",
            "end",
            "");

    /**
     * ARGV[3] maxKeys, ARGV[4] precondition count, then (key, expected version) pairs, then the write
     * count, then (op P|R, key, ttl, value) quads. Returns {'C', key, actual} on a failed precondition,
     * {'Q', key} when the quota is exceeded (nothing written either way), else {'OK', deleted, first}: the
     * puts drew versions first, first + 1, ... in write order from one draw (first is 0 without puts).
     *
     * <p>A put writes v, r and e in one HSET and then only what changes: the Redis expiry (PEXPIREAT for an
     * expiry, PERSIST only when the key had one and gets none), the expiry index (only when the score
     * changes) and the listing index (only for a new key). Index changes and removals are collected and
     * sent once per batch at the end (one UNLINK, one ZREM and one ZADD per index), not per write.
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
            "  local count = redis.call('ZCOUNT', xk, clock(), '+inf')",
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
            "local base_ver = 0",
            "if nput > 0 then base_ver = draw(nput) - 1 end",
            // cur[k]: the index score of k as this batch's writes leave it (false = absent), first read
            // for all written keys with ZMSCORE in chunks (unpack has a stack limit) instead of one ZSCORE
            // per write; a later write of the same key sees what the earlier one left. Redis formats every
            // score it replies with as %.17g text, which for NOEXP (16 digits) costs about 0.3 us per key, a
            // sixth of a batch of overwrites: when no key of the scope has an expiry (one ZCOUNT, O(log n)),
            // every indexed key's score is NOEXP and the listing index, which holds the same keys with score
            // 0, answers presence for less.
            "local cur = {}",
            "local wk = {}",
            "j = first",
            "for w = 1, nw do wk[w] = ARGV[j + 1]; j = j + 4 end",
            "local expiring = redis.call('ZCOUNT', xk, '-inf', '(" + NO_EXPIRY_SCORE + "') > 0",
            "for c = 1, nw, " + SCORE_CHUNK + " do",
            "  local last = math.min(c + " + (SCORE_CHUNK - 1) + ", nw)",
            "  if expiring then",
            "    local sc = redis.call('ZMSCORE', xk, unpack(wk, c, last))",
            "    for q = c, last do",
            "      local x = sc[q - c + 1]",
            "      if x then cur[wk[q]] = tonumber(x) else cur[wk[q]] = false end",
            "    end",
            "  else",
            "    local sc = redis.call('ZMSCORE', lk, unpack(wk, c, last))",
            "    for q = c, last do",
            "      if sc[q - c + 1] then cur[wk[q]] = NOEXP else cur[wk[q]] = false end",
            "    end",
            "  end",
            "end",
            "local ver = base_ver",
            "local deleted = 0",
            // Index writes and removals are collected and sent at the end, one UNLINK, one ZREM per index and
            // one ZADD per index for the batch instead of up to three calls per write (each redis.call costs
            // the server about half a microsecond): xs[k] is the score a put leaves in the expiry index,
            // ls[k] marks a key new to the listing index, dd[k] a removed key whose hash and index entries go;
            // xo/lo/dl keep first-seen order so the commands are the same on every run. A remove cancels the
            // batch's pending adds of its key; a put after a pending remove unlinks the old hash first (the
            // ZREMs at the end run before the ZADDs, which put the key back).
            "local xs, xo, ls, lo, dd, dl = {}, {}, {}, {}, {}, {}",
            "j = first",
            "for w = 1, nw do",
            "  local k = wk[w]",
            "  local s = cur[k]",
            "  if ARGV[j] == 'P' then",
            "    ver = ver + 1",
            "    local vt = string.format('%d', ver)",
            // An expired leftover is reclaimed and reported once, then treated as absent.
            "    if s and s ~= NOEXP and s < clock() then drop(k); ev[#ev + 1] = 'E0 ' .. k; s = false end",
            "    local ttl = tonumber(ARGV[j + 2])",
            "    local e = NOEXP",
            "    local et = '0'",
            "    if ttl > 0 then e = clock() + ttl; et = string.format('%d', e) end",
            "    local d = dk .. k",
            "    if dd[k] then redis.call('UNLINK', d); dd[k] = false end",
            "    redis.call('HSET', d, 'v', ARGV[j + 3], 'r', vt, 'e', et)",
            "    if e ~= NOEXP then redis.call('PEXPIREAT', d, e)",
            "    elseif s and s ~= NOEXP then redis.call('PERSIST', d) end",
            "    if s ~= e then",
            "      if xs[k] == nil then xo[#xo + 1] = k end",
            "      xs[k] = e",
            "    end",
            "    if not s then",
            "      if ls[k] == nil then lo[#lo + 1] = k end",
            "      ls[k] = true",
            "    end",
            "    cur[k] = e",
            "    ev[#ev + 1] = 'S' .. vt .. ' ' .. k",
            "  else",
            "    if s then",
            "      cur[k] = false",
            "      if xs[k] then xs[k] = false end",
            "      if ls[k] then ls[k] = false end",
            "      if dd[k] == nil then dl[#dl + 1] = k end",
            "      dd[k] = true",
            "      if s == NOEXP or s >= clock() then deleted = deleted + 1; ev[#ev + 1] = 'D0 ' .. k",
            "      else ev[#ev + 1] = 'E0 ' .. k end",
            "    end",
            "  end",
            "  j = j + 4",
            "end",
            // Pending removals, then adds, in chunks: unpack has a stack limit.
            "local zd, zk = {}, {}",
            "for _, k in ipairs(dl) do",
            "  if dd[k] then zk[#zk + 1] = dk .. k end",
            "  zd[#zd + 1] = k",
            "  if #zd >= " + SCORE_CHUNK + " then",
            "    if #zk > 0 then redis.call('UNLINK', unpack(zk)) end",
            "    redis.call('ZREM', xk, unpack(zd)); redis.call('ZREM', lk, unpack(zd)); zd = {}; zk = {}",
            "  end",
            "end",
            "if #zk > 0 then redis.call('UNLINK', unpack(zk)) end",
            "if #zd > 0 then redis.call('ZREM', xk, unpack(zd)); redis.call('ZREM', lk, unpack(zd)) end",
            "local za = {}",
            "for _, k in ipairs(xo) do",
            "  if xs[k] then za[#za + 1] = xs[k]; za[#za + 1] = k end",
            "  if #za >= " + (2 * SCORE_CHUNK) + " then redis.call('ZADD', xk, unpack(za)); za = {} end",
            "end",
            "if #za > 0 then redis.call('ZADD', xk, unpack(za)) end",
            "za = {}",
            "for _, k in ipairs(lo) do",
            "  if ls[k] then za[#za + 1] = 0; za[#za + 1] = k end",
            "  if #za >= " + (2 * SCORE_CHUNK) + " then redis.call('ZADD', lk, unpack(za)); za = {} end",
            "end",
            "if #za > 0 then redis.call('ZADD', lk, unpack(za)) end",
            "publish()",
            "return {'OK', deleted, base_ver + 1}"));

    /**
     * A batch of puts of distinct keys with one ttl, no precondition and no key quota, the shape of every
     * {@code setAll}: what {@link #COMMIT} does for such a batch (the same versions, hash, expiry, index
     * writes, reclaims and change message) with less server work per key. When no key of the scope has an
     * expiry (one ZCOUNT), a key is new exactly when its HSET adds all three fields, so presence costs no
     * read at all; COMMIT's ZMSCORE, whose %.17g score formatting costs about 0.4 µs per key, and its
     * per-key bookkeeping for repeated keys and removals are skipped. Otherwise the scores are read with
     * ZMSCORE, as COMMIT does, to reclaim expired leftovers and keep expiries right.
     *
     * <p>ARGV[3]: the ttl of every put (0 = never), then (key, value) pairs. Returns the version of the
     * first put; the others follow one by one in argument order.
     */
    static final LuaScript PUT_ALL = new LuaScript("putAll", PRELUDE + String.join("\n",
            "local n = (#ARGV - 3) / 2",
            "local first = draw(n)",
            // One expiry for the whole batch: the hash field text and the Redis expiry are the same for every key.
            "local ttl = tonumber(ARGV[3])",
            "local e = NOEXP",
            "local et = '0'",
            "if ttl > 0 then e = clock() + ttl; et = string.format('%d', e) end",
            "local expiring = redis.call('ZCOUNT', xk, '-inf', '(" + NO_EXPIRY_SCORE + "') > 0",
            // sc[w]: the index score of the w-th key (false when absent), read only when some key expires.
            "local sc",
            "if expiring then",
            "  clock()",
            "  sc = {}",
            "  for c = 1, n, " + SCORE_CHUNK + " do",
            "    local last = math.min(c + " + (SCORE_CHUNK - 1) + ", n)",
            "    local ks = {}",
            "    for w = c, last do ks[w - c + 1] = ARGV[2 + 2 * w] end",
            "    local r = redis.call('ZMSCORE', xk, unpack(ks))",
            "    for w = c, last do local x = r[w - c + 1]; if x then sc[w] = tonumber(x) else sc[w] = false end end",
            "  end",
            "end",
            // Index changes are collected and sent at the end: removals of reclaimed leftovers, then adds.
            "local xa, la, gone = {}, {}, {}",
            "for w = 1, n do",
            "  local a = 2 + 2 * w",
            "  local k = ARGV[a]",
            "  local vt = string.format('%d', first + w - 1)",
            "  local d = dk .. k",
            "  local s",
            "  if expiring then",
            "    s = sc[w]",
            // An expired leftover is reclaimed and reported once, then treated as absent.
            "    if s and s ~= NOEXP and s < now then",
            "      redis.call('UNLINK', d); gone[#gone + 1] = k; ev[#ev + 1] = 'E0 ' .. k; s = false",
            "    end",
            "    redis.call('HSET', d, 'v', ARGV[a + 1], 'r', vt, 'e', et)",
            "  else",
            "    if redis.call('HSET', d, 'v', ARGV[a + 1], 'r', vt, 'e', et) == 3 then s = false else s = NOEXP end",
            "  end",
            "  if e ~= NOEXP then redis.call('PEXPIREAT', d, e)",
            "  elseif s and s ~= NOEXP then redis.call('PERSIST', d) end",
            "  if s ~= e then xa[#xa + 1] = e; xa[#xa + 1] = k end",
            "  if not s then la[#la + 1] = 0; la[#la + 1] = k end",
            "  ev[#ev + 1] = 'S' .. vt .. ' ' .. k",
            "end",
            // In chunks of SCORE_CHUNK keys: unpack has a stack limit. ZADD lists take two values per key.
            "local function chunked(cmd, key, list, size)",
            "  for c = 1, #list, size do redis.call(cmd, key, unpack(list, c, math.min(c + size - 1, #list))) end",
            "end",
            "chunked('ZREM', xk, gone, " + SCORE_CHUNK + ")",
            "chunked('ZREM', lk, gone, " + SCORE_CHUNK + ")",
            "chunked('ZADD', xk, xa, " + (2 * SCORE_CHUNK) + ")",
            "chunked('ZADD', lk, la, " + (2 * SCORE_CHUNK) + ")",
            "publish()",
            "return first"));

    /** Reads the server clock into {@code now} (ms) and {@code nowus} (µs). */
    private static final String CLOCK = "local t = redis.call('TIME'); "
            + "now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000); "
            + "nowus = tonumber(t[1]) * 1000000 + tonumber(t[2])";

    /**
     * A lone put without preconditions: exactly what {@link #COMMIT} does for one {@code P} write and no
     * precondition (same quota rule, expired-leftover reclaim reported as EXPIRE, one version from the
     * sequence, the same hash, expiry and index writes, the same change message), written without
     * {@link #PRELUDE}'s closures and with one HGET of the hash's expiry field instead of a chunked ZMSCORE.
     * Every redis.call and closure costs the server about half a microsecond, and a plain set is the most
     * frequent write: this script runs in about 60% of COMMIT's server time for it (5.0 vs 8.0 µs with
     * {@code redis-benchmark}).
     *
     * <p>ARGV[3] maxKeys, ARGV[4] key, ARGV[5] ttl (0 = never), ARGV[6] value. Returns the version as an
     * integer, or {'Q', key} when the quota is exceeded (nothing written).
     */
    static final LuaScript SET = new LuaScript("set", String.join("\n",
            "local base = string.sub(KEYS[1], 1, -3)",
            "local gen = redis.call('GET', KEYS[1]) or '0'",
            "local xk = base .. '#x:' .. gen",
            "local k = ARGV[4]",
            "local d = base .. ':' .. gen .. ':' .. k",
            "local NOEXP = " + NO_EXPIRY_SCORE,
            "local now, nowus",
            // The hash's 'e' field is the key's index score ('0' for NOEXP) whenever Redis returns it: every
            // script writes both together, and Redis's expiry of the hash hides it exactly when the score
            // says expired. An HGET replies with that text; a ZSCORE formats the double with %.17g, which
            // costs the server about a microsecond. Only a hash that is gone (absent key, expired leftover)
            // or of the layout before 'e' needs the index.
            "local s",
            "local he = redis.call('HGET', d, 'e')",
            "if he then",
            "  if he == '0' then s = NOEXP else s = tonumber(he) end",
            "else",
            "  s = redis.call('ZSCORE', xk, k)",
            "  if s then s = tonumber(s) end",
            "end",
            // Every put draws a version, which needs the clock (see DRAW).
            CLOCK,
            "local maxKeys = tonumber(ARGV[3])",
            // COMMIT's rule: a put of a key that is not live (no live score, or no version in its hash)
            // adds one to the live count, which must stay within maxKeys.
            "if maxKeys > 0 then",
            "  if not (s and (s == NOEXP or s >= now) and redis.call('HGET', d, 'r')) then",
            "    if redis.call('ZCOUNT', xk, now, '+inf') >= maxKeys then return {'Q', k} end",
            "  end",
            "end",
            "local n = 1",
            DRAW,
            "local ver = first",
            "local vt = string.format('%d', ver)",
            "local ev = ''",
            // An expired leftover is reclaimed and reported once, then treated as absent.
            "if s and s ~= NOEXP and s < now then",
            "    redis.call('UNLINK', d)",
            "    redis.call('ZREM', xk, k)",
            "    redis.call('ZREM', base .. '#l:' .. gen, k)",
            "    ev = 'E0 ' .. k .. '\\n'",
            "    s = false",
            "end",
            "local ttl = tonumber(ARGV[5])",
            "local e = NOEXP",
            "local et = '0'",
            "if ttl > 0 then",
            "  e = now + ttl",
            "  et = string.format('%d', e)",
            "end",
            "redis.call('HSET', d, 'v', ARGV[6], 'r', vt, 'e', et)",
            "if e ~= NOEXP then redis.call('PEXPIREAT', d, e)",
            "elseif s and s ~= NOEXP then redis.call('PERSIST', d) end",
            "if s ~= e then redis.call('ZADD', xk, e, k) end",
            "if not s then redis.call('ZADD', base .. '#l:' .. gen, 0, k) end",
            "redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\\n' .. ev .. 'S' .. vt .. ' ' .. k)",
            "return ver"));

    /**
     * ARGV[3] maxKeys, ARGV[4] key, ARGV[5] delta (decimal). Redis's HINCRBY does the 64-bit arithmetic
     * (Lua numbers are doubles: its reply is used only when exact, below 2^53, else the value is read back
     * as text) and checks the stored text: it accepts exactly the canonical decimal form of
     * {@link dev.plinth.spi.storage.Counters} (Redis's string2ll: at most 20 characters, an optional '-',
     * no leading zero, no "-0", no '+' or spaces) and refuses a sum outside a long. Returns
     * {'OK', value, version}, {'N', error, stored value} (nothing written) or {'Q', key}.
     */
    static final LuaScript INCREMENT = new LuaScript("increment", PRELUDE + String.join("\n",
            "local k = ARGV[4]",
            "local s = reclaim(k)",
            "if s and redis.call('HEXISTS', dk .. k, 'v') == 0 then drop(k); s = nil end",
            "local val",
            "if s then",
            "  local r = redis.pcall('HINCRBY', dk .. k, 'v', ARGV[5])",
            "  if type(r) == 'table' and r.err then publish(); return {'N', r.err, redis.call('HGET', dk .. k, 'v')} end",
            "  if r < 9007199254740992 and r > -9007199254740992 then val = string.format('%d', r) end",
            "else",
            "  local maxKeys = tonumber(ARGV[3])",
            "  if maxKeys > 0 and redis.call('ZCOUNT', xk, clock(), '+inf') >= maxKeys then publish(); return {'Q', k} end",
            "  val = ARGV[5]",
            "end",
            "local ver = string.format('%d', draw(1))",
            "if s then",
            // Rewriting 'e' costs nothing in the same HSET and upgrades a hash of the old layout.
            "  local et = '0'",
            "  if s ~= NOEXP then et = string.format('%d', s) end",
            "  redis.call('HSET', dk .. k, 'r', ver, 'e', et)",
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
            "local ttl = tonumber(ARGV[4])",
            "local d = dk .. k",
            "if ttl > 0 then",
            "  local e = clock() + ttl",
            "  redis.call('HSET', d, 'e', string.format('%d', e))",
            "  redis.call('PEXPIREAT', d, e)",
            "  if s ~= e then redis.call('ZADD', xk, e, k) end",
            "else",
            "  redis.call('HSET', d, 'e', '0')",
            "  if s ~= NOEXP then redis.call('PERSIST', d); redis.call('ZADD', xk, NOEXP, k) end",
            "end",
            "return 1"));

    /**
     * ARGV[3] min, ARGV[4] max (ZRANGEBYLEX syntax), ARGV[5] count (at most {@link #SCORE_CHUNK}, the
     * members' scores are read with one ZMSCORE). Returns server time (ms), then member and expiry score
     * ('-1' when missing) pairs; the caller filters by score and pattern.
     */
    static final LuaScript SCAN_RANGE = new LuaScript("range", PRELUDE + String.join("\n",
            "local m = redis.call('ZRANGEBYLEX', lk, ARGV[3], ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))",
            "local out = {string.format('%d', clock())}",
            "if #m > 0 then",
            "  local sc = redis.call('ZMSCORE', xk, unpack(m))",
            "  for i = 1, #m do",
            "    out[2 * i] = m[i]",
            "    out[2 * i + 1] = sc[i] or '-1'",
            "  end",
            "end",
            "return out"));

    /** Returns the number of live keys of the scope. */
    static final LuaScript COUNT_ALL = new LuaScript("countAll", PRELUDE + "return redis.call('ZCOUNT', xk, clock(), '+inf')");

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
            "local m = redis.call('ZRANGEBYSCORE', xk, '-inf', '(' .. string.format('%d', clock()), 'LIMIT', 0, tonumber(ARGV[3]))",
            // One UNLINK and one ZREM per index for the whole batch (at most a few hundred keys).
            "if #m > 0 then",
            "  local d = {}",
            "  for i = 1, #m do d[i] = dk .. m[i]; ev[i] = 'E0 ' .. m[i] end",
            "  redis.call('UNLINK', unpack(d))",
            "  redis.call('ZREM', xk, unpack(m))",
            "  redis.call('ZREM', lk, unpack(m))",
            "end",
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
