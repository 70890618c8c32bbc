package dev.plinth.provider.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lua scripts that make every write atomic on the server, each kept as a {@code .lua} resource beside
 * this class and loaded once, when the class initialises. Each data script takes {@code KEYS[1]} = the
 * scope's generation key ({@code <prefix>{ns}#g}), {@code KEYS[2]} = the version sequence,
 * {@code ARGV[1]} = the change channel and {@code ARGV[2]} = the namespace path, so every key a script
 * touches shares the scope's hash tag (one cluster slot). {@link ScriptCalls} builds each script's
 * arguments and reads its reply.
 *
 * <p>Per scope and generation {@code G}: {@code <prefix>{ns}:G:<key>} is a hash (field {@code v} value,
 * {@code r} version, {@code e} expiry in epoch ms, {@code 0} for none) with the Redis expiry (PEXPIREAT) set
 * to that same instant; {@code <prefix>{ns}#x:G} is a sorted set of live keys scored by expiry
 * ({@link #NO_EXPIRY_SCORE} for none), the source of truth for writes, preconditions, quotas, counting,
 * listing and sweeping; {@code <prefix>{ns}#l:G} is the same keys with score 0 for listing in byte order
 * with {@code ZRANGEBYLEX}. Every script that sets an expiry writes all three ({@code e}, PEXPIREAT, score)
 * together, so point reads ({@code get.lua}, {@code exists.lua}) rely on the hash alone: Redis's own expiry
 * decides liveness (a key is expired when now > expiry, matching score >= now for live) and {@code e} is the
 * reported expiry. Time comes from the server ({@code TIME}, or Redis's clock for its own expiry), never
 * the client's clock. A commit draws all its puts' versions in one step from the sequence
 * ({@code draw.lua}).
 *
 * <p>Why no version repeats after a loss of data. Redis cannot draw one version per µs for long (a put
 * costs it more than that), so the sequence stays within {@link #CLOCK_LEAD_MICROS} plus the batch being
 * drawn of the server clock in µs (within {@link #LOSS_MARGIN_MICROS} for a second after a loss):
 * everything handed out before a loss is below the clock at the loss plus that lead. When the sequence is
 * gone, the first version after the loss is the clock plus the loss margin, above all of it even if the
 * server clock stepped back by up to the margin less the lead. When an older copy survived (a replica
 * promoted after it lagged, a restart from an old snapshot), that copy is at most the same lead above the
 * clock at the time it was copied, and the first draw after the failover, detected seconds later, is above
 * the clock then. All clients of a server draw from the same key inside the same atomic scripts against the
 * server's clock, so clients agree on nothing and their clocks do not matter. In µs the clock stays below
 * 2^53 (exact in Lua's doubles) until the year 2255.
 *
 * <p>Change messages: the namespace path, then one line per change {@code <T><version> <key>} with
 * {@code T} one of {@code S D E C}; keys never contain a line feed (control characters are invalid).
 *
 * <p>A resource may pull in a shared fragment with a line {@code --#include <name>} and use the constants
 * below as {@code ${NAME}}; other comment lines are dropped, so the body sent to Redis is code only.
 * Immutable.
 */
final class LuaScript {
    /** Score of a key that never expires: 2^53-1, exact as a double and beyond any real expiry. */
    static final long NO_EXPIRY_SCORE = 9007199254740991L;
    /** Members per ZMSCORE in a commit: far below Lua's limit on unpacked values (LUAI_MAXCSTACK, 8000). */
    static final int SCORE_CHUNK = 1000;
    /**
     * How far ahead of the server clock (in µs, so in versions) a sequence starts when it is missing: it
     * covers the lead the lost sequence may have had over the clock ({@link #CLOCK_LEAD_MICROS} plus a
     * batch) and a server clock that stepped back by up to the rest. No larger than any sane Sentinel
     * {@code down-after-milliseconds} or Cluster {@code node-timeout}, so that no automatic failover
     * completes while a sequence is still ahead of the clock by this margin.
     */
    static final long LOSS_MARGIN_MICROS = 1_000_000L;
    /**
     * How far ahead of the server clock (in µs, so in versions) a sequence that fell behind it is set: the
     * writes of the next millisecond then draw with a plain INCRBY, and only about one write per ms also
     * writes the sequence (a SET of it on every write would add about a quarter to a lone put's server
     * time, as measured when this was written). Kept small: a failover that completes within this lead of the old master's last
     * write could hand out its versions again.
     */
    static final long CLOCK_LEAD_MICROS = 1_000L;

    private static final Map<String, String> CONSTANTS = Map.of(
            "NO_EXPIRY_SCORE", Long.toString(NO_EXPIRY_SCORE),
            "SCORE_CHUNK", Integer.toString(SCORE_CHUNK),
            "ZADD_CHUNK", Integer.toString(2 * SCORE_CHUNK),
            "LOSS_MARGIN_MICROS", Long.toString(LOSS_MARGIN_MICROS),
            "CLOCK_LEAD_MICROS", Long.toString(CLOCK_LEAD_MICROS));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");
    private static final String INCLUDE = "--#include ";

    /** Point reads of keys: value, version and expiry of each live one. */
    static final LuaScript GET = load("get");
    /** Whether one key is live. */
    static final LuaScript EXISTS = load("exists");
    /** The general commit: preconditions, then puts, removes and expires in order. */
    static final LuaScript COMMIT = load("commit");
    /** A lone put: the commit of one put at a lower server cost. */
    static final LuaScript SET = load("set");
    /** A batch of distinct puts of one ttl without a quota: what every setAll is. */
    static final LuaScript PUT_ALL = load("put-all");
    /** Adds to a counter. */
    static final LuaScript INCREMENT = load("increment");
    /** A new expiry for a live key. */
    static final LuaScript EXPIRE = load("expire");
    /** A chunk of the listing index with the members' scores. */
    static final LuaScript SCAN_RANGE = load("range");
    /** The number of live keys of a scope. */
    static final LuaScript COUNT_ALL = load("count-all");
    /** Retires a scope's generation. */
    static final LuaScript CLEAR = load("clear");
    /** Unlinks keys of retired generations. */
    static final LuaScript COLLECT = load("collect");
    /** Reclaims expired keys. */
    static final LuaScript SWEEP = load("sweep");
    /** Extends a lock owned by a token. */
    static final LuaScript RENEW_LOCK = load("renew-lock");
    /** Releases a lock owned by a token. */
    static final LuaScript UNLOCK = load("unlock");

    final String name;
    final byte[] body;
    final byte[] sha;

    private LuaScript(String name, String body) {
        this.name = name;
        this.body = body.getBytes(StandardCharsets.UTF_8);
        this.sha = sha1Hex(this.body).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return the script resource {@code name.lua} with its fragments and constants in place */
    static LuaScript load(String name) {
        return new LuaScript(name, expand(name, 0));
    }

    /** @return the code of resource {@code name.lua}: includes expanded, comments dropped, constants set */
    static String expand(String name, int depth) {
        if (depth > 4) {
            throw new IllegalStateException("Lua fragments include each other too deeply at " + name + ".lua");
        }
        StringBuilder out = new StringBuilder();
        for (String line : resource(name).split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith(INCLUDE)) {
                out.append(expand(trimmed.substring(INCLUDE.length()).strip(), depth + 1));
            } else if (!trimmed.isEmpty() && !trimmed.startsWith("--")) {
                out.append(constants(name, line)).append('\n');
            }
        }
        return out.toString();
    }

    private static String constants(String name, String line) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = CONSTANTS.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException(name + ".lua uses an unknown constant ${" + m.group(1) + "}");
            }
            m.appendReplacement(b, value);
        }
        return m.appendTail(b).toString();
    }

    private static String resource(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("The Lua script " + name + ".lua is missing from the provider jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the Lua script " + name + ".lua", e);
        }
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
