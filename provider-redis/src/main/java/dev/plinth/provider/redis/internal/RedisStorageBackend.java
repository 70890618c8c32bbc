package dev.plinth.provider.redis.internal;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.PlinthException;
import dev.plinth.api.health.Health;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.redis.RedisStorageProvider.Mode;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.BulkLoad;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.EntryScan;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.HealthProbe;
import dev.plinth.spi.storage.IntegrityCheck;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NamespaceListing;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis backend: the SPI's core and every optional part, each done natively on the server, so that
 * several processes sharing a server and key prefix share data, quotas, locks and change events. This class
 * only opens, routes and closes; each job has its own class, chosen once at open where the configuration
 * decides: {@link RedisReads} (by script in cluster mode, else {@link PipelinedReads}), {@link RedisWrites}
 * (one script per write; the put-only batch script only without a quota), {@link RedisListing}, {@link RedisBulk} (the operator tools' scan and bulk load),
 * {@link RedisSweeper} (on the runtime's scheduler), {@link RedisLocks}, {@link ChangeSubscriber} (the
 * subscription, on a thread of its own since it blocks), with {@link ScriptCalls} and {@link RedisCalls}
 * under them all. See {@link LuaScript} for the data layout and {@link KeyLayout} for key names.
 *
 * <p>Every write is one Lua script: one round trip, atomic, publishing its changes on the prefix's channel
 * in the same step. {@code get}, {@code read} and {@code set} are one round trip each, as is a
 * {@code setAll}'s commit.
 *
 * <p><b>Time is the server's.</b> Expiry is measured by Redis: the scripts read the server clock
 * ({@code TIME}) and Redis expires the hashes on its own clock, so every process sharing the server agrees
 * on what is live whatever its own clock says. {@link BackendContext#clock()} is therefore not read; a
 * fake clock in a test does not move Redis's time.
 *
 * <p>Thread-safe.
 */
public final class RedisStorageBackend
        implements StorageBackend,
                FastPaths,
                NativeCounters,
                NativePatterns,
                NativeLocks,
                NativeQuotas,
                ChangeFeed,
                NamespaceListing,
                EntryScan,
                BulkLoad,
                IntegrityCheck,
                HealthProbe {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStorageBackend.class);
    private static final String PROVIDER = "redis";

    private final RedisSettings settings;
    private final String endpoint;
    private final RedisCalls calls;
    private final Scopes scopes;
    private final RedisReads reads;
    private final RedisWrites writes;
    private final RedisListing listing;
    private final RedisSweeper sweeper;
    private final RedisLocks locks;
    private final RedisAdmin admin;
    private final RedisBulk bulk;
    private final ChangeListener changes;
    private final byte[] channel;
    /** The subscription to the change channel; {@code null} while nothing in this process watches. */
    private ChangeSubscriber subscriber;

    private RedisStorageBackend(RedisSettings settings, UnifiedJedis client, BackendContext context) {
        this.settings = settings;
        this.endpoint = settings.endpoint();
        KeyLayout layout = new KeyLayout(settings.keyPrefix, settings.mode == Mode.CLUSTER);
        this.channel = layout.channel();
        this.calls = new RedisCalls(client, endpoint);
        this.scopes = new Scopes(layout, calls);
        ScriptCalls scripts = new ScriptCalls(channel, settings.maxKeys);
        this.reads = RedisReads.forMode(settings.mode == Mode.CLUSTER, calls, scopes, scripts);
        this.writes = new RedisWrites(calls, scopes, scripts, settings.maxKeys);
        this.sweeper = new RedisSweeper(calls, scopes, scripts, context.scheduler(), settings.sweepInterval);
        this.listing = new RedisListing(calls, scopes, scripts, writes, sweeper);
        this.locks = new RedisLocks(calls, layout, scripts);
        this.admin = new RedisAdmin(calls, scopes, scripts);
        this.bulk = new RedisBulk(calls, scopes, writes, channel, settings.maxKeys);
        this.changes = context.changes();
        this.subscriber = newSubscriber();
    }

    /**
     * Connects, checks the server answers with the given credentials and database, subscribes to changes
     * and starts the sweeper on the context's scheduler.
     *
     * @param config the provider's validated options
     * @param context where changes are reported and the scheduler the sweeper runs on
     * @return the open backend
     * @throws StorageOpenException naming the server (never a password) when it cannot open, retryable
     *     when the server was unreachable or busy
     * @throws ConfigurationException when an option value is unusable (naming the option)
     */
    public static RedisStorageBackend open(ProviderConfig config, BackendContext context) {
        return open(RedisSettings.from(config), context);
    }

    static RedisStorageBackend open(RedisSettings settings, BackendContext context) {
        String endpoint = settings.endpoint();
        if (settings.mode == Mode.STANDALONE) {
            // One connection first, so that an unreachable or frozen server fails the open within
            // connectTimeout + readTimeout: building the pooled client borrows a connection of its own to learn
            // the protocol, swallows its failure and would make the open wait twice.
            try (redis.clients.jedis.Connection probe =
                    new redis.clients.jedis.Connection(settings.nodes.get(0), settings.clientConfig(true))) {
                probe.ping();
            } catch (RuntimeException e) {
                throw opening(e, endpoint);
            }
        }
        UnifiedJedis client;
        try {
            client = RedisConnector.build(settings);
        } catch (RuntimeException e) {
            throw opening(e, endpoint);
        }
        RedisStorageBackend backend = null;
        try {
            client.ping();
            backend = new RedisStorageBackend(settings, client, context);
            if (!backend.subscriber.start(RedisConnector.totalTimeout(settings).toMillis())) {
                Throwable fatal = backend.subscriber.fatal();
                if (fatal != null) {
                    throw new StorageOpenException(
                            PROVIDER,
                            "Redis at " + endpoint + " answered, but the change feed cannot run: " + fatal,
                            fatal,
                            false);
                }
                throw new StorageOpenException(
                        PROVIDER,
                        "Redis at " + endpoint + " answered, but did not confirm"
                                + " the change-feed subscription within connectTimeout + readTimeout",
                        null,
                        true);
            }
            backend.sweeper.start();
            LOG.info("Opened Redis storage {}", settings);
            return backend;
        } catch (RuntimeException e) {
            if (backend != null) {
                backend.close();
            } else {
                client.close();
            }
            throw opening(e, endpoint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            backend.close();
            throw new StorageOpenException(
                    PROVIDER, "interrupted while subscribing to changes of Redis at " + endpoint, e, true);
        }
    }

    /**
     * @return what a failure to open throws: a {@link StorageOpenException} naming the server (retryable
     *     when it was unreachable or busy) with Jedis's exception as its cause, so the problem is said once;
     *     a database index the server refuses stays the {@link ConfigurationException} of that option
     */
    private static PlinthException opening(RuntimeException e, String endpoint) {
        if (e instanceof StorageOpenException || e instanceof ConfigurationException) {
            return (PlinthException) e;
        }
        PlinthException t = RedisErrors.translate(e, endpoint, "the connection");
        if (t instanceof ConfigurationException) {
            return t;
        }
        boolean retryable = t instanceof StorageException && ((StorageException) t).isRetryable();
        return new StorageOpenException(PROVIDER, t.getMessage(), t == e ? e.getCause() : e, retryable);
    }

    private ChangeSubscriber newSubscriber() {
        return new ChangeSubscriber(
                RedisConnector.feedTarget(settings, calls.client()),
                settings.clientConfig(true),
                channel,
                changes,
                endpoint,
                calls::clearIdle);
    }

    /**
     * Unsubscribes while nothing in this process watches: every write publishes its changes, and a
     * subscriber costs the server a socket write and this process a wake-up per write even when the runtime
     * drops them all (a set ran at about 0.85x with an idle subscriber attached; raw Jedis, EVALSHA of SET +
     * PUBLISH). Other processes' watchers are unaffected: the scripts always publish.
     */
    @Override
    public synchronized void setWatched(boolean watched) {
        if (calls.isClosed()) {
            return;
        }
        if (!watched) {
            if (subscriber != null) {
                subscriber.close();
                subscriber = null;
                LOG.debug("Nothing watches Redis storage at {}: change feed stopped", endpoint);
            }
            return;
        }
        if (subscriber != null) {
            return;
        }
        subscriber = newSubscriber();
        try {
            if (!subscriber.start(RedisConnector.totalTimeout(settings).toMillis())) {
                LOG.warn(
                        "Change feed for Redis at {} is not subscribed yet; watchers will get an OVERFLOW event"
                                + " once it is",
                        endpoint);
            }
        } catch (InterruptedException e) {
            subscriber.giveUpWaiting();
            Thread.currentThread().interrupt();
            LOG.warn(
                    "Interrupted while subscribing to changes of Redis at {}; watchers will get an OVERFLOW event"
                            + " once subscribed",
                    endpoint);
        }
        LOG.debug("Watched: change feed for Redis storage at {} started", endpoint);
    }

    // ------------------------------------------------------------------ core

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        if (keys.isEmpty()) {
            calls.ensureOpen();
            return List.of();
        }
        return reads.read(ns, keys);
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        return writes.commit(ns, commit);
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        return listing.list(ns, pattern, afterKey, limit);
    }

    // ------------------------------------------------------------------ fast paths and counters

    @Override
    public BackendEntry get(Namespace ns, String key) {
        return reads.get(ns, key);
    }

    @Override
    public byte[] getValue(Namespace ns, String key) {
        return reads.getValue(ns, key);
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        return reads.exists(ns, key);
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return writes.set(ns, key, value, ttlMillis);
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return writes.compareAndSet(ns, key, expectedVersion, value, ttlMillis);
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return writes.delete(ns, key);
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return writes.expire(ns, key, ttlMillis);
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return writes.increment(ns, key, delta);
    }

    // ------------------------------------------------------------------ patterns

    @Override
    public SortedMap<Namespace, Long> namespaces() {
        return admin.namespaces();
    }

    @Override
    public List<BackendEntry> scan(Namespace ns, String afterKey, int limit) {
        return bulk.scan(ns, afterKey, limit);
    }

    @Override
    public void loadNew(Namespace ns, List<Write.Put> puts) {
        bulk.loadNew(ns, puts);
    }

    @Override
    public List<String> checkIntegrity() {
        return admin.check();
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        return listing.count(ns, pattern);
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        return listing.deleteMatching(ns, pattern);
    }

    @Override
    public void clear(Namespace ns) {
        listing.clear(ns);
    }

    // ------------------------------------------------------------------ locks

    @Override
    public boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        return locks.tryLock(ns, name, token, leaseMillis);
    }

    @Override
    public boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
        return locks.renewLock(ns, name, token, leaseMillis);
    }

    @Override
    public boolean unlock(Namespace ns, String name, String token) {
        return locks.unlock(ns, name, token);
    }

    @Override
    public int lockEntries() {
        return locks.entries();
    }

    // ------------------------------------------------------------------ health

    /**
     * One {@code PING}, as a read (so a connection the server closed at a restart is retried once on a new
     * one), bounded by the configured timeouts; the pool's figures as details in standalone mode.
     */
    @Override
    public Health probe() {
        if (calls.isClosed()) {
            return Health.down("Redis storage at " + endpoint + " is closed");
        }
        long started = System.nanoTime();
        Health h;
        try {
            calls.read("PING", () -> calls.client().ping());
            h = Health.up()
                    .withDetail("endpoint", endpoint)
                    .withDetail("pingMillis", Long.toString((System.nanoTime() - started) / 1_000_000));
        } catch (RuntimeException e) {
            h = Health.down(e.getMessage() != null ? e.getMessage() : e.toString())
                    .withDetail("endpoint", endpoint);
        }
        UnifiedJedis client = calls.client();
        if (client instanceof redis.clients.jedis.RedisClient) {
            var pool = ((redis.clients.jedis.RedisClient) client).getPool();
            h = h.withDetail("poolActive", Integer.toString(pool.getNumActive()))
                    .withDetail("poolIdle", Integer.toString(pool.getNumIdle()))
                    .withDetail("poolWaiting", Integer.toString(pool.getNumWaiters()));
        }
        return h;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        if (!calls.markClosed()) {
            return;
        }
        // The scheduler is the runtime's: a sweep running now sees the backend closed and stops.
        sweeper.stop();
        synchronized (this) {
            if (subscriber != null) {
                subscriber.close();
                subscriber = null;
            }
        }
        calls.closeClient();
        locks.forgetAll();
        LOG.info("Closed Redis storage at {}", endpoint);
    }

    @Override
    public String toString() {
        return "RedisStorageBackend[" + settings + "]";
    }

    // ------------------------------------------------------------------ for tests

    /** @return the idle pooled connections (standalone mode; -1 in others) */
    int idleConnections() {
        UnifiedJedis client = calls.client();
        return client instanceof redis.clients.jedis.RedisClient
                ? ((redis.clients.jedis.RedisClient) client).getPool().getNumIdle()
                : -1;
    }

    /** @return the standalone client's connection pool; {@code null} in other modes */
    redis.clients.jedis.util.Pool<redis.clients.jedis.Connection> connectionPool() {
        UnifiedJedis client = calls.client();
        return client instanceof redis.clients.jedis.RedisClient
                ? ((redis.clients.jedis.RedisClient) client).getPool()
                : null;
    }

    /** @return whether the change feed's subscriber thread runs */
    synchronized boolean feedRunning() {
        return subscriber != null && subscriber.isAlive();
    }

    /** @return how many scopes have their encoded names cached */
    int cachedScopes() {
        return scopes.cached();
    }

    /** @return the generation {@link #get} will try first for {@code ns} */
    Scopes.Generation cachedGeneration(Namespace ns) {
        return scopes.of(ns).generation;
    }

    /** @return what {@code get.lua} answers for {@code keys}, bypassing the pipelined reads */
    List<BackendEntry> readByScript(Namespace ns, Collection<String> keys) {
        return keys.isEmpty() ? List.of() : reads.byScript("getAll", scopes.of(ns), keys);
    }
}
