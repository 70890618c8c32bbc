package dev.plinth.provider.redis.internal;

import java.util.Arrays;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.Pool;

/**
 * Standalone mode's single-key commands, written straight onto a connection borrowed from the client's pool:
 * the byte arrays the caller encoded are the arguments sent, with no list of keys, list of arguments,
 * pipeline, response holders or command object built around them per call. A lone get or set is the most
 * frequent operation, and that scaffolding was about a third of what each allocated (a get went from about
 * 1,420 to about 1,000 bytes when this was written; raw Jedis's GET allocates about 430). Used only with a
 * {@link redis.clients.jedis.RedisClient} (one server, one pool): Sentinel changes pools on a failover and
 * Cluster routes by slot, so they keep Jedis's own command path.
 *
 * <p>Failures are Jedis's own, as through its executor: a broken connection is marked so and the pool drops
 * it when it is returned, and a server error reply ({@link JedisDataException}) is thrown only after every
 * reply of the call was read, so the connection goes back to the pool with nothing left unread on it. The
 * caller translates failures ({@link RedisCalls#failure}). Thread-safe: each call borrows its own connection.
 */
final class DirectCommands {
    private static final Rawable TWO_KEYS = arg(Codec.number(2));
    /** The fields of a data hash (see {@link LuaScript}): value, version and expiry. */
    private static final Rawable FIELD_V = arg(Codec.bytes("v"));

    private static final Rawable FIELD_R = arg(Codec.bytes("r"));
    private static final Rawable FIELD_E = arg(Codec.bytes("e"));

    private final Pool<Connection> pool;

    /** @param pool the pool of a standalone {@link redis.clients.jedis.RedisClient} */
    DirectCommands(Pool<Connection> pool) {
        this.pool = pool;
    }

    /**
     * {@code GET key} and {@code HGET hash v}, pipelined: one round trip.
     *
     * @return the two replies, in that order
     */
    Object[] getThenValue(byte[] key, byte[] hash) {
        try (Connection c = pool.getResource()) {
            c.sendCommand(new CommandArguments(Protocol.Command.GET).add(arg(key)));
            c.sendCommand(
                    new CommandArguments(Protocol.Command.HGET).add(arg(hash)).add(FIELD_V));
            return replies(c, 2);
        }
    }

    /**
     * {@code GET key} and {@code HMGET hash v r e}, pipelined: one round trip.
     *
     * @return the two replies, in that order
     */
    Object[] getThenEntry(byte[] key, byte[] hash) {
        try (Connection c = pool.getResource()) {
            c.sendCommand(new CommandArguments(Protocol.Command.GET).add(arg(key)));
            c.sendCommand(new CommandArguments(Protocol.Command.HMGET)
                    .add(arg(hash))
                    .add(FIELD_V)
                    .add(FIELD_R)
                    .add(FIELD_E));
            return replies(c, 2);
        }
    }

    /**
     * {@code EVALSHA} of a data script with its two KEYS and six ARGV (the shape of {@code set.lua}), sent
     * again as {@code EVAL} on the same connection when the server lost its script cache (a restart or
     * failover), which caches it again. A NOSCRIPT reply means the script did not run, so the second send
     * cannot apply the write twice.
     *
     * @return the script's reply
     */
    Object evalsha(
            LuaScript script,
            byte[] key1,
            byte[] key2,
            byte[] a1,
            byte[] a2,
            byte[] a3,
            byte[] a4,
            byte[] a5,
            byte[] a6) {
        try (Connection c = pool.getResource()) {
            try {
                c.sendCommand(scriptCall(Protocol.Command.EVALSHA, script.sha, key1, key2, a1, a2, a3, a4, a5, a6));
                return c.getOne();
            } catch (JedisNoScriptException e) {
                c.sendCommand(scriptCall(Protocol.Command.EVAL, script.body, key1, key2, a1, a2, a3, a4, a5, a6));
                return c.getOne();
            }
        }
    }

    private static CommandArguments scriptCall(
            Protocol.Command command,
            byte[] script,
            byte[] key1,
            byte[] key2,
            byte[] a1,
            byte[] a2,
            byte[] a3,
            byte[] a4,
            byte[] a5,
            byte[] a6) {
        return new CommandArguments(command)
                .add(arg(script))
                .add(TWO_KEYS)
                .add(arg(key1))
                .add(arg(key2))
                .add(arg(a1))
                .add(arg(a2))
                .add(arg(a3))
                .add(arg(a4))
                .add(arg(a5))
                .add(arg(a6));
    }

    /**
     * Reads {@code n} replies; an error reply is thrown only once all of them were read, so that none is
     * left on the connection for its next user. A connection failure throws at once: Jedis has then marked
     * the connection broken, and the pool destroys it.
     */
    /**
     * @return {@code b} as a command argument, not copied: Jedis's own wrapper copies every argument (a
     *     set's value included) to guard against the caller changing it, and nothing here changes an
     *     argument once built ({@link ScriptCall}'s rule)
     */
    private static Rawable arg(byte[] b) {
        return new Arg(b);
    }

    /** A command argument that is the caller's array. */
    private static final class Arg implements Rawable {
        private final byte[] raw;

        Arg(byte[] raw) {
            this.raw = raw;
        }

        @Override
        public byte[] getRaw() {
            return raw;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Arg && Arrays.equals(raw, ((Arg) o).raw);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(raw);
        }
    }

    private static Object[] replies(Connection c, int n) {
        Object[] out = new Object[n];
        JedisDataException error = null;
        for (int i = 0; i < n; i++) {
            try {
                out[i] = c.getOne();
            } catch (JedisDataException e) {
                if (error == null) {
                    error = e;
                }
            }
        }
        if (error != null) {
            throw error;
        }
        return out;
    }
}
