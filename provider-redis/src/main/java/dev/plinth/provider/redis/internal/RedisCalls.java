package dev.plinth.provider.redis.internal;

import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StoreClosedException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Every call a backend makes to Redis goes through here: the open/closed state, the translation of Jedis
 * failures into Plinth's typed exceptions, the one retry a read gets on a connection the server had
 * closed, and script calls ({@link ScriptCall}: EVALSHA, falling back to EVAL after the server lost its
 * script cache). Thread-safe.
 */
final class RedisCalls {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCalls.class);

    private final UnifiedJedis client;
    private final String endpoint;
    /** The single-key path of a standalone client; {@code null} for Sentinel and Cluster. */
    private final DirectCommands direct;

    private final AtomicBoolean closed = new AtomicBoolean();

    RedisCalls(UnifiedJedis client, String endpoint) {
        this.client = client;
        this.endpoint = endpoint;
        this.direct = client instanceof RedisClient ? new DirectCommands(((RedisClient) client).getPool()) : null;
    }

    /**
     * @return the commands written straight onto a pooled connection, for a standalone server; {@code null}
     *     for Sentinel and Cluster, whose calls go through Jedis's own command path
     */
    DirectCommands direct() {
        return direct;
    }

    UnifiedJedis client() {
        return client;
    }

    String endpoint() {
        return endpoint;
    }

    boolean isClosed() {
        return closed.get();
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new StoreClosedException("Redis storage at " + endpoint);
        }
    }

    /** @return {@code true} for the one call that closed it */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    /** Runs a script that changes data: never retried, since its outcome is unknown once a connection broke. */
    <T> T write(ScriptCall<T> call) {
        return call.decode(call(call.what(), () -> eval(call)));
    }

    /** Runs a script that only reads, like {@link #read(String, Supplier)}. */
    <T> T read(ScriptCall<T> call) {
        return call.decode(read(call.what(), () -> eval(call)));
    }

    /** Runs one operation, translating failures; after close, every failure is a StoreClosedException. */
    <T> T call(String what, Supplier<T> op) {
        ensureOpen();
        try {
            return op.get();
        } catch (RuntimeException e) {
            throw failure(e, what);
        }
    }

    /**
     * Runs a read like {@link #call}, and once more when the pooled connection it got had been closed by
     * the server (a restart since its last use closes every connection, and the pool only learns of it on
     * use): the idle connections are dropped first, so the second try connects afresh. Only reads retry:
     * they change nothing, whereas a write's outcome is unknown once its connection broke. A timeout or a
     * refused connection is not retried, so a read still fails within the configured timeouts.
     */
    <T> T read(String what, Supplier<T> op) {
        ensureOpen();
        try {
            return op.get();
        } catch (RuntimeException e) {
            if (closed.get() || !RedisErrors.isClosedConnection(e)) {
                throw failure(e, what);
            }
            RedisConnector.clearIdle(client);
            LOG.debug(
                    "Redis at {} had closed a pooled connection; {} retries on a new one: {}",
                    endpoint,
                    what,
                    e.toString());
        }
        try {
            return op.get();
        } catch (RuntimeException e) {
            throw failure(e, what);
        }
    }

    /**
     * @return what a failed operation throws: StoreClosedException after close, else the typed translation
     *     (dropping idle pooled connections first when the connection broke)
     */
    RuntimeException failure(RuntimeException e, String what) {
        if (closed.get()) {
            return new StoreClosedException("Redis storage at " + endpoint);
        }
        if (RedisErrors.isInterrupt(e)) {
            // Only this caller was interrupted (socket I/O is not interruptible: the wait for a pooled
            // connection is): the pool is fine, and the caller keeps its interrupt, which the pool consumed.
            Thread.currentThread().interrupt();
            return new StorageException(
                    "Interrupted while waiting for a connection to Redis at " + endpoint + "; " + what
                            + " was not sent",
                    e);
        }
        if (RedisErrors.isConnectionProblem(e)) {
            RedisConnector.clearIdle(client);
        }
        return RedisErrors.translate(e, endpoint, what);
    }

    /** One element of an EXEC reply, which carries a failed command's error in its place. */
    Object checked(Object reply, String what) {
        if (reply instanceof RuntimeException) {
            throw failure((RuntimeException) reply, what);
        }
        return reply;
    }

    /** EVALSHA, falling back to EVAL (which caches the script) after a server restart or failover. */
    Object eval(ScriptCall<?> call) {
        LuaScript script = call.script();
        try {
            return client.evalsha(script.sha, call.keys(), call.args());
        } catch (JedisNoScriptException e) {
            return client.eval(script.body, call.keys(), call.args());
        }
    }

    /** Drops idle pooled connections, which a server restart or an outage left dead. */
    void clearIdle() {
        RedisConnector.clearIdle(client);
    }

    void closeClient() {
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the Redis client for {} failed: {}", endpoint, e.toString());
        }
    }
}
