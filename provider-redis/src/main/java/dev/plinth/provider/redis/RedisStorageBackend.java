package dev.plinth.provider.redis;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.PlinthException;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyPage;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.provider.redis.RedisStorageProvider.Mode;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;

/**
 * The Redis backend: every write is one Lua script (one round trip, atomic, publishing its changes on
 * the prefix's channel in the same step); reads are one script in cluster mode and plain commands
 * otherwise ({@link #get} a pipeline, {@link #getAll} a MULTI/EXEC), one round trip either way. See
 * {@link LuaScript} for the data layout and {@link KeyLayout} for key names. Thread-safe.
 */
final class RedisStorageBackend implements StorageBackend {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStorageBackend.class);
    /**
     * Longest TTL and lock lease: {@link KeyValueStore#MAX_DURATION}. The runtime refuses longer ones; a
     * backend called directly refuses them too rather than cap them. Server time plus this stays far below
     * 2^53 ms (exact as a sorted-set score and a Lua number, below the no-expiry score) and within what
     * PEXPIREAT and PX accept.
     */
    private static final long MAX_MILLIS = KeyValueStore.MAX_DURATION.toMillis();
    private static final String PROVIDER = "redis";
    private static final int RANGE_CHUNK = 512;
    private static final int DELETE_BATCH = 500;
    private static final int SWEEP_BATCH = 256;
    private static final int SWEEP_PIPELINE = 100;
    private static final int COLLECT_BUDGET = 500;

    private final RedisSettings settings;
    private final String endpoint;
    private final KeyLayout layout;
    private final UnifiedJedis client;
    private final byte[] channel;
    private final ChangeListener changes;
    /** The subscription to the change channel; {@code null} while nothing in this process watches. */
    private ChangeFeed feed;
    private final ScheduledExecutorService background;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Scopes this process registered in {@code <prefix>#scopes}, so the sweeper of any process finds them. */
    private final Set<String> registeredScopes = ConcurrentHashMap.newKeySet();
    /** Script keys per scope; scopes are few (plugins and their buckets). */
    private final Map<Namespace, ScopeKeys> scopeKeys = new ConcurrentHashMap<>();
    /** Locks this backend holds: lock key to token. */
    private final Map<String, String> heldLocks = new ConcurrentHashMap<>();
    /** {@code maxKeys} as the scripts take it, encoded once. */
    private final byte[] maxKeysArg;
    /**
     * Whether {@link #get} may pipeline plain commands: not in cluster mode, whose pipelines do not follow
     * slot redirects the way a single command (the script) does.
     */
    private final boolean pipelinedReads;
    private volatile boolean sweepFailing;

    private RedisStorageBackend(RedisSettings settings, UnifiedJedis client, ChangeListener changes) {
        this.settings = settings;
        this.endpoint = settings.endpoint();
        this.layout = new KeyLayout(settings.keyPrefix, settings.mode == Mode.CLUSTER);
        this.client = client;
        this.channel = layout.channel();
        this.maxKeysArg = bytes(Long.toString(settings.maxKeys));
        this.pipelinedReads = settings.mode != Mode.CLUSTER;
        this.changes = changes;
        this.feed = newFeed();
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plinth-redis-sweeper");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects, checks the server answers with the given credentials and database, subscribes to changes
     * and starts the sweeper.
     */
    static RedisStorageBackend open(RedisSettings settings, ChangeListener changes) {
        String endpoint = settings.endpoint();
        if (settings.mode == Mode.STANDALONE) {
            // One connection first, so that an unreachable or frozen server fails the open within
            // connectTimeout + readTimeout: building the pooled client borrows a connection of its own to learn
            // the protocol, swallows its failure and would make the open wait twice.
            try (redis.clients.jedis.Connection probe = new redis.clients.jedis.Connection(settings.nodes.get(0),
                    settings.clientConfig(true))) {
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
            backend = new RedisStorageBackend(settings, client, changes);
            if (!backend.feed.start(RedisConnector.totalTimeout(settings).toMillis())) {
                Throwable fatal = backend.feed.fatal();
                if (fatal != null) {
                    throw new StorageOpenException(PROVIDER, "Redis at " + endpoint
                            + " answered, but the change feed cannot run: " + fatal, fatal, false);
                }
                throw new StorageOpenException(PROVIDER, "Redis at " + endpoint + " answered, but did not confirm"
                        + " the change-feed subscription within connectTimeout + readTimeout", null, true);
            }
            long every = settings.sweepInterval.toMillis();
            backend.background.scheduleWithFixedDelay(backend::sweep, every, every, TimeUnit.MILLISECONDS);
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
            throw new StorageOpenException(PROVIDER, "interrupted while subscribing to changes of Redis at "
                    + endpoint, e, true);
        }
    }

    private ChangeFeed newFeed() {
        return new ChangeFeed(RedisConnector.feedTarget(settings, client), settings.clientConfig(true), channel,
                changes, endpoint, () -> RedisConnector.clearIdle(client));
    }

    /**
     * Unsubscribes while nothing in this process watches: every write publishes its changes, and a
     * subscriber costs the server a socket write and this process a wake-up per write even when the runtime
     * drops them all (a set ran at about 0.85x with an idle subscriber attached; raw Jedis, EVALSHA of SET +
     * PUBLISH). Other processes' watchers are unaffected: the scripts always publish.
     */
    @Override
    public synchronized void setWatched(boolean watched) {
        if (closed.get()) {
            return;
        }
        if (!watched) {
            if (feed != null) {
                feed.close();
                feed = null;
                LOG.debug("Nothing watches Redis storage at {}: change feed stopped", endpoint);
            }
            return;
        }
        if (feed != null) {
            return;
        }
        feed = newFeed();
        try {
            if (!feed.start(RedisConnector.totalTimeout(settings).toMillis())) {
                LOG.warn("Change feed for Redis at {} is not subscribed yet; watchers will get an OVERFLOW event"
                        + " once it is", endpoint);
            }
        } catch (InterruptedException e) {
            feed.giveUpWaiting();
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while subscribing to changes of Redis at {}; watchers will get an OVERFLOW event"
                    + " once subscribed", endpoint);
        }
        LOG.debug("Watched: change feed for Redis storage at {} started", endpoint);
    }

    /** @return the idle pooled connections (standalone mode; -1 in others); for tests */
    int idleConnections() {
        return client instanceof redis.clients.jedis.RedisClient
                ? ((redis.clients.jedis.RedisClient) client).getPool().getNumIdle() : -1;
    }

    /** @return whether the change feed's subscriber thread runs; for tests */
    synchronized boolean feedRunning() {
        return feed != null && feed.isAlive();
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

    // ------------------------------------------------------------------ reads

    /**
     * One round trip either way. Outside cluster mode the generation and the key's hash are read in one
     * pipeline, the hash under the generation this backend last saw: when the generation read back is that
     * one, the hash is the answer (see {@link Generation} for why that is as consistent as the script);
     * when a clear moved it on, or the hash predates the {@code e} field, the {@link LuaScript#GET} script
     * answers instead. Two plain commands cost the server a fraction of a script with two redis.calls.
     */
    @Override
    public Optional<BackendEntry> get(Namespace ns, String key) {
        ScopeKeys scope = scope(ns);
        byte[] k = bytes(key);
        if (pipelinedReads) {
            Generation g = scope.generation;
            List<Object> replies = read("get", () -> {
                try (AbstractPipeline p = client.pipelined()) {
                    Response<byte[]> genReply = p.get(scope.generationKey);
                    Response<List<byte[]>> hashReply = p.hmget(g.dataKey(k), FIELD_V, FIELD_R, FIELD_E);
                    p.sync();
                    return Arrays.asList(genReply.get(), hashReply.get());
                }
            });
            byte[] gen = (byte[]) replies.get(0);
            @SuppressWarnings("unchecked")
            List<byte[]> h = (List<byte[]>) replies.get(1);
            if (g.is(gen)) {
                byte[] v = h.get(0);
                byte[] r = h.get(1);
                byte[] e = h.get(2);
                if (v == null || r == null) {
                    return Optional.empty();
                }
                if (e != null) {
                    return Optional.of(new BackendEntry(key, v, decimal(r), decimal(e)));
                }
                // A hash of the old layout: its liveness is its index score, which the script reads.
            } else {
                scope.generation = new Generation(layout, ns, gen);
            }
        }
        List<Object> r = list(read("get", () -> eval(LuaScript.GET, ns, List.of(k))));
        return r.isEmpty() || r.get(0) == null ? Optional.empty() : Optional.of(entry(key, r, 0));
    }

    /**
     * One round trip either way. Outside cluster mode: one pipeline of {@code MULTI}, {@code GET} of the
     * generation, one {@code HMGET v r e} per key under the generation this backend last saw, {@code EXEC}.
     * The transaction makes the reads one atomic snapshot, as the script is, and Redis evaluates key expiry
     * inside it against one instant (its clock is fixed for the commands of an {@code EXEC}, as for a
     * script), so liveness is decided exactly as {@link LuaScript#GET} decides it: by the hash's own Redis
     * expiry. When the generation read back is not the one tried (a clear moved it on) or a live hash
     * predates the {@code e} field, the {@link LuaScript#GET} script answers the whole batch instead. A
     * dozen plain commands cost the server far less than a script calling {@code HMGET} per key; cluster
     * mode keeps the script (its pipelines do not follow slot redirects).
     */
    @Override
    public List<BackendEntry> getAll(Namespace ns, Collection<String> keys) {
        if (keys.isEmpty()) {
            ensureOpen();
            return List.of();
        }
        ScopeKeys scope = scope(ns);
        if (pipelinedReads) {
            List<BackendEntry> out = getAllInTransaction(ns, scope, keys);
            if (out != null) {
                return out;
            }
        }
        return getAllByScript(scope, keys);
    }

    /**
     * The transaction of {@link #getAll}: {@code null} when the script must answer (the generation moved,
     * or a hash of the old layout needs its index score).
     */
    private List<BackendEntry> getAllInTransaction(Namespace ns, ScopeKeys scope, Collection<String> keys) {
        Generation g = scope.generation;
        List<Object> replies = list(read("getAll", () -> {
            try (AbstractPipeline p = client.pipelined()) {
                // Raw commands: the queued ones answer QUEUED, and only EXEC's reply is read. Jedis's own
                // Transaction would read the QUEUED replies before sending EXEC, a second round trip.
                p.sendCommand(Protocol.Command.MULTI, NO_ARGS);
                p.sendCommand(Protocol.Command.GET, scope.generationKey);
                for (String k : keys) {
                    p.sendCommand(Protocol.Command.HMGET, g.dataKey(bytes(k)), FIELD_V, FIELD_R, FIELD_E);
                }
                Response<Object> exec = p.sendCommand(Protocol.Command.EXEC, NO_ARGS);
                p.sync();
                return exec.get();
            }
        }));
        if (replies.size() != keys.size() + 1) {
            throw new StorageException("Unexpected reply from Redis at " + endpoint + " to getAll: "
                    + replies.size() + " results for " + (keys.size() + 1) + " commands");
        }
        byte[] gen = (byte[]) checked(replies.get(0), "getAll");
        if (!g.is(gen)) {
            scope.generation = new Generation(layout, ns, gen);
            return null;
        }
        List<BackendEntry> out = new ArrayList<>(keys.size());
        int i = 1;
        for (String k : keys) {
            List<Object> h = list(checked(replies.get(i++), "getAll"));
            byte[] v = (byte[]) h.get(0);
            byte[] r = (byte[]) h.get(1);
            byte[] e = (byte[]) h.get(2);
            if (v == null || r == null) {
                continue;
            }
            if (e == null) {
                // A hash of the old layout: its liveness is its index score, which the script reads.
                return null;
            }
            out.add(new BackendEntry(k, v, decimal(r), decimal(e)));
        }
        return out;
    }

    /** One element of an EXEC reply, which carries a failed command's error in its place. */
    private Object checked(Object reply, String what) {
        if (reply instanceof RuntimeException) {
            throw failure((RuntimeException) reply, what);
        }
        return reply;
    }

    /** @return what the {@link LuaScript#GET} script answers for {@code keys}, bypassing the transaction (for tests) */
    List<BackendEntry> getAllByScript(Namespace ns, Collection<String> keys) {
        return keys.isEmpty() ? List.of() : getAllByScript(scope(ns), keys);
    }

    private List<BackendEntry> getAllByScript(ScopeKeys scope, Collection<String> keys) {
        List<byte[]> args = scriptArgs(scope, keys.size());
        for (String k : keys) {
            args.add(bytes(k));
        }
        List<Object> r = list(read("getAll", () -> evalKeys(LuaScript.GET, scope.keys, args)));
        // The reply follows the keys: value, version, expiry for a live key, a single nil for any other.
        List<BackendEntry> out = new ArrayList<>(keys.size());
        int i = 0;
        for (String k : keys) {
            if (r.get(i) == null) {
                i++;
            } else {
                out.add(entry(k, r, i));
                i += 3;
            }
        }
        return out;
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        return asLong(read("exists", () -> eval(LuaScript.EXISTS, ns, List.of(bytes(key))))) == 1L;
    }

    // ------------------------------------------------------------------ writes

    /** A lone put runs {@link LuaScript#SET}, COMMIT's single-put case at a lower server cost. */
    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        ScopeKeys scope = scope(ns);
        List<byte[]> args = Arrays.asList(channel, scope.path, maxKeysArg, bytes(key), number(ttl(ttlMillis)),
                value);
        register(ns);
        Object r;
        ensureOpen();
        try {
            r = evalKeys(LuaScript.SET, scope.keys, args);
        } catch (RuntimeException e) {
            throw failure(e, "set");
        }
        if (r instanceof Long) {
            return (Long) r;
        }
        List<Object> quota = list(r);
        throw new QuotaExceededException(ns.path(), str(quota.get(1)), settings.maxKeys);
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        try {
            return commitRaw(ns, List.of(new Precondition(key, expectedVersion)),
                    List.of(new Write.Put(key, value, ttlMillis))).firstVersion;
        } catch (VersionConflictException e) {
            return KeyValueStore.ABSENT;
        }
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        register(ns);
        List<Object> r = list(call("increment", () -> eval(LuaScript.INCREMENT, ns,
                List.of(maxKeysArg, bytes(key), bytes(Long.toString(delta))))));
        String status = str(r.get(0));
        switch (status) {
            case "OK":
                return Long.parseLong(str(r.get(1)));
            case "Q":
                throw new QuotaExceededException(ns.path(), key, settings.maxKeys);
            default:
                throw notACounter(key, delta, str(r.get(1)), r.size() > 2 ? (byte[]) r.get(2) : EMPTY);
        }
    }

    /**
     * The exception for a value Redis would not increment, worded by {@link Counters} as on every other
     * provider; Redis applies the same rule, so Counters refuses the value or the sum too.
     */
    private static NotACounterException notACounter(String key, long delta, String redisError, byte[] value) {
        try {
            Counters.add(key, Counters.parse(key, value), delta);
        } catch (NotACounterException e) {
            return e;
        }
        return new NotACounterException(key, "Redis refused to add " + delta + " to it: " + redisError);
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return deleteAll(ns, List.of(key)) > 0;
    }

    @Override
    public int deleteAll(Namespace ns, Collection<String> keys) {
        if (keys.isEmpty()) {
            ensureOpen();
            return 0;
        }
        List<Write> writes = new ArrayList<>(keys.size());
        for (String k : keys) {
            writes.add(new Write.Remove(k));
        }
        return (int) commitRaw(ns, List.of(), writes).deleted;
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return asLong(call("expire", () -> eval(LuaScript.EXPIRE, ns,
                List.of(bytes(key), bytes(Long.toString(ttl(ttlMillis))))))) == 1L;
    }

    @Override
    public Map<String, Long> commit(Namespace ns, List<Precondition> preconditions, List<Write> writes) {
        long version = commitRaw(ns, preconditions, writes).firstVersion;
        // The script drew the puts' versions as one consecutive run in write order; a later put of the
        // same key overrides the earlier one's version, as on the server.
        Map<String, Long> versions = new LinkedHashMap<>();
        for (Write w : writes) {
            if (w instanceof Write.Put) {
                versions.put(w.key(), version++);
            }
        }
        return versions;
    }

    private static final class CommitResult {
        static final CommitResult NOTHING = new CommitResult(0, 0);

        /** Version of the first put; the others follow one by one in write order (0 without puts). */
        final long firstVersion;
        final long deleted;

        CommitResult(long firstVersion, long deleted) {
            this.firstVersion = firstVersion;
            this.deleted = deleted;
        }
    }

    private CommitResult commitRaw(Namespace ns, List<Precondition> preconditions, List<Write> writes) {
        if (preconditions.isEmpty() && writes.isEmpty()) {
            ensureOpen();
            return CommitResult.NOTHING;
        }
        if (preconditions.isEmpty() && settings.maxKeys == 0 && distinctPutsOfOneTtl(writes)) {
            return putAll(ns, writes);
        }
        boolean puts = false;
        ScopeKeys scope = scope(ns);
        List<byte[]> args = scriptArgs(scope, 3 + preconditions.size() * 2 + writes.size() * 4);
        args.add(maxKeysArg);
        args.add(number(preconditions.size()));
        for (Precondition p : preconditions) {
            args.add(bytes(p.key()));
            args.add(number(p.expectedVersion()));
        }
        args.add(number(writes.size()));
        for (Write w : writes) {
            if (w instanceof Write.Put) {
                Write.Put p = (Write.Put) w;
                puts = true;
                args.add(PUT);
                args.add(bytes(p.key()));
                args.add(number(ttl(p.ttlMillis())));
                args.add(p.value());
            } else {
                args.add(REMOVE);
                args.add(bytes(w.key()));
                args.add(EMPTY);
                args.add(EMPTY);
            }
        }
        if (puts) {
            register(ns);
        }
        List<Object> r = list(call("commit", () -> evalKeys(LuaScript.COMMIT, scope.keys, args)));
        String status = str(r.get(0));
        if ("C".equals(status)) {
            String key = str(r.get(1));
            long actual = Long.parseLong(str(r.get(2)));
            long expected = KeyValueStore.ABSENT;
            for (Precondition p : preconditions) {
                if (p.key().equals(key)) {
                    expected = p.expectedVersion();
                    break;
                }
            }
            throw new VersionConflictException(key, expected, actual);
        }
        if ("Q".equals(status)) {
            throw new QuotaExceededException(ns.path(), str(r.get(1)), settings.maxKeys);
        }
        return new CommitResult(asLong(r.get(2)), asLong(r.get(1)));
    }

    /**
     * @return whether every write is a put, all with the same ttl, and no key is written twice: the shape
     *     {@link LuaScript#PUT_ALL} takes
     */
    static boolean distinctPutsOfOneTtl(List<Write> writes) {
        Set<String> seen = writes.size() > 1 ? new HashSet<>(writes.size() * 2) : null;
        long ttl = -1;
        for (Write w : writes) {
            if (!(w instanceof Write.Put) || (seen != null && !seen.add(w.key()))) {
                return false;
            }
            long t = ttl(((Write.Put) w).ttlMillis());
            if (ttl >= 0 && t != ttl) {
                return false;
            }
            ttl = t;
        }
        return true;
    }

    private CommitResult putAll(Namespace ns, List<Write> writes) {
        ScopeKeys scope = scope(ns);
        List<byte[]> args = scriptArgs(scope, 1 + writes.size() * 2);
        args.add(number(ttl(((Write.Put) writes.get(0)).ttlMillis())));
        for (Write w : writes) {
            args.add(bytes(w.key()));
            args.add(((Write.Put) w).value());
        }
        register(ns);
        return new CommitResult(asLong(call("commit", () -> evalKeys(LuaScript.PUT_ALL, scope.keys, args))), 0);
    }

    // ------------------------------------------------------------------ listing

    @Override
    public KeyPage list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        List<String> found = new ArrayList<>(Math.min(limit, 1024) + 1);
        scan(ns, pattern, afterKey, (long) limit + 1, found::add);
        if (found.size() > limit) {
            List<String> page = found.subList(0, limit);
            return new KeyPage(page, page.get(limit - 1));
        }
        return new KeyPage(found, null);
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        if (pattern.matchesEverything()) {
            return asLong(read("count", () -> eval(LuaScript.COUNT_ALL, ns, List.of())));
        }
        long[] n = new long[1];
        scan(ns, pattern, null, Long.MAX_VALUE, k -> n[0]++);
        return n[0];
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        long deleted = 0;
        String after = null;
        while (true) {
            List<String> batch = new ArrayList<>(DELETE_BATCH);
            scan(ns, pattern, after, DELETE_BATCH, batch::add);
            if (batch.isEmpty()) {
                return deleted;
            }
            List<Write> removes = new ArrayList<>(batch.size());
            for (String k : batch) {
                removes.add(new Write.Remove(k));
            }
            deleted += commitRaw(ns, List.of(), removes).deleted;
            if (batch.size() < DELETE_BATCH) {
                return deleted;
            }
            after = batch.get(batch.size() - 1);
        }
    }

    /**
     * Walks the scope's lexicographic index from the pattern's literal prefix (so the cost follows the keys
     * under that prefix), keeping live keys the pattern matches, in UTF-8 byte order, until {@code max}.
     */
    private void scan(Namespace ns, GlobPattern pattern, String afterKey, long max,
            java.util.function.Consumer<String> sink) {
        String lit = pattern.literalPrefix();
        String min;
        String upper;
        if (pattern.isLiteral()) {
            if (afterKey != null && KeyRules.compareUtf8(afterKey, lit) >= 0) {
                ensureOpen();
                return;
            }
            min = "[" + lit;
            upper = "[" + lit;
        } else {
            if (afterKey != null && KeyRules.compareUtf8(afterKey, lit) >= 0) {
                min = "(" + afterKey;
            } else {
                min = lit.isEmpty() ? "-" : "[" + lit;
            }
            upper = pattern.prefixUpperBound().map(u -> "(" + u).orElse("+");
        }
        byte[] maxArg = bytes(upper);
        byte[] chunkArg = bytes(Integer.toString(RANGE_CHUNK));
        long taken = 0;
        while (true) {
            byte[] minArg = bytes(min);
            List<Object> r = list(read("list", () -> eval(LuaScript.SCAN_RANGE, ns, List.of(minArg, maxArg, chunkArg))));
            long now = Long.parseLong(str(r.get(0)));
            String last = null;
            int members = (r.size() - 1) / 2;
            for (int i = 1; i + 1 < r.size(); i += 2) {
                last = str(r.get(i));
                long score = (long) Double.parseDouble(str(r.get(i + 1)));
                if (score >= now && pattern.matches(last)) {
                    sink.accept(last);
                    if (++taken >= max) {
                        return;
                    }
                }
            }
            if (members < RANGE_CHUNK || last == null) {
                return;
            }
            min = "(" + last;
        }
    }

    @Override
    public void clear(Namespace ns) {
        call("clear", () -> evalKeys(LuaScript.CLEAR, List.of(layout.generationKey(ns)),
                List.of(channel, bytes(ns.path()))));
        try {
            background.execute(() -> {
                try {
                    collect(ns);
                } catch (RuntimeException e) {
                    // The sweeper retries: the retired generation stays listed in the scope's #gc set.
                    LOG.debug("Collecting cleared keys of {} failed: {}", ns, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: the next process's sweeper collects the retired generation.
        }
    }

    /** Unlinks retired generations of {@code ns} in small scripts so the server never blocks long. */
    private void collect(Namespace ns) {
        for (int i = 0; i < 10_000 && !closed.get(); i++) {
            Object more = evalKeys(LuaScript.COLLECT, List.of(layout.generationKey(ns)),
                    List.of(bytes(Integer.toString(COLLECT_BUDGET))));
            if (asLong(more) == 0L) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ locks

    @Override
    public boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        lease(leaseMillis);
        byte[] k = layout.lockKey(ns, name);
        String r = call("tryLock", () -> client.set(k, bytes(token), SetParams.setParams().nx().px(leaseMillis)));
        if ("OK".equals(r)) {
            heldLocks.put(lockId(ns, name), token);
            return true;
        }
        return false;
    }

    @Override
    public boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
        lease(leaseMillis);
        boolean ok = asLong(call("renewLock", () -> evalKeys(LuaScript.RENEW_LOCK, List.of(layout.lockKey(ns, name)),
                List.of(bytes(token), bytes(Long.toString(leaseMillis)))))) == 1L;
        if (!ok) {
            heldLocks.remove(lockId(ns, name), token);
        }
        return ok;
    }

    @Override
    public boolean unlock(Namespace ns, String name, String token) {
        try {
            return asLong(call("unlock", () -> evalKeys(LuaScript.UNLOCK, List.of(layout.lockKey(ns, name)),
                    List.of(bytes(token))))) == 1L;
        } finally {
            // Forgotten either way: an unreachable server's lease lapses on its own.
            heldLocks.remove(lockId(ns, name), token);
        }
    }

    @Override
    public int lockEntries() {
        return heldLocks.size();
    }

    private static String lockId(Namespace ns, String name) {
        return ns.path() + '\n' + name;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        background.shutdownNow();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (feed != null) {
                feed.close();
                feed = null;
            }
        }
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the Redis client for {} failed: {}", endpoint, e.toString());
        }
        heldLocks.clear();
        LOG.info("Closed Redis storage at {}", endpoint);
    }

    @Override
    public String toString() {
        return "RedisStorageBackend[" + settings + "]";
    }

    // ------------------------------------------------------------------ background sweep

    /**
     * Reclaims expired keys of every scope under the prefix (reporting EXPIRE once, whichever process
     * sweeps) and collects generations retired by clear.
     */
    private void sweep() {
        if (closed.get()) {
            return;
        }
        try {
            byte[] scopesKey = layout.scopesKey();
            if (!registeredScopes.isEmpty()) {
                // Re-registering is idempotent and survives a server restart that lost the set.
                client.sadd(scopesKey, registeredScopes.stream().map(RedisStorageBackend::bytes).toArray(byte[][]::new));
            }
            List<Namespace> scopes = new ArrayList<>();
            for (byte[] path : client.smembers(scopesKey)) {
                try {
                    scopes.add(Namespace.parse(str(path)));
                } catch (RuntimeException e) {
                    LOG.debug("Skipping a foreign member of {}: {}", str(scopesKey), e.toString());
                }
            }
            for (int from = 0; from < scopes.size() && !closed.get(); from += SWEEP_PIPELINE) {
                sweepPipelined(scopes.subList(from, Math.min(scopes.size(), from + SWEEP_PIPELINE)));
            }
            if (sweepFailing) {
                sweepFailing = false;
                LOG.info("Expiry sweeper reaches Redis at {} again", endpoint);
            }
        } catch (RuntimeException e) {
            if (closed.get()) {
                return;
            }
            if (RedisErrors.isConnectionProblem(e)) {
                RedisConnector.clearIdle(client);
            }
            if (!sweepFailing) {
                sweepFailing = true;
                LOG.warn("Expiry sweep against Redis at {} failed; retrying every {}: {}", endpoint,
                        settings.sweepInterval, e.toString());
            }
        }
    }

    /**
     * One pipelined round trip sweeps a batch of scopes; a scope with more to do (a full batch of expired
     * keys, or retired generations to collect) is then swept on its own.
     */
    private void sweepPipelined(List<Namespace> scopes) {
        List<Response<Object>> replies = new ArrayList<>(scopes.size());
        try (AbstractPipeline pipeline = client.pipelined()) {
            for (Namespace ns : scopes) {
                ScopeKeys k = scope(ns);
                replies.add(pipeline.evalsha(LuaScript.SWEEP.sha, k.keys, List.of(channel, k.path, SWEEP_BATCH_ARG)));
            }
            pipeline.sync();
        }
        for (int i = 0; i < scopes.size(); i++) {
            List<Object> r;
            try {
                r = list(replies.get(i).get());
            } catch (JedisNoScriptException e) {
                // The script cache was flushed (restart, failover): the single call reloads it.
                sweep(scopes.get(i));
                continue;
            }
            if (asLong(r.get(0)) >= SWEEP_BATCH || asLong(r.get(1)) > 0) {
                sweep(scopes.get(i));
            }
        }
    }

    private void sweep(Namespace ns) {
        for (int round = 0; round < 16; round++) {
            List<Object> r = list(eval(LuaScript.SWEEP, ns, List.of(SWEEP_BATCH_ARG)));
            if (asLong(r.get(1)) > 0) {
                collect(ns);
            }
            if (asLong(r.get(0)) < SWEEP_BATCH) {
                return;
            }
        }
    }

    private void register(Namespace ns) {
        if (registeredScopes.contains(ns.path())) {
            return;
        }
        call("register scope", () -> client.sadd(layout.scopesKey(), bytes(ns.path())));
        registeredScopes.add(ns.path());
    }

    // ------------------------------------------------------------------ plumbing

    /** Scopes whose encoded names stay cached; past this the cache starts over. */
    static final int MAX_CACHED_SCOPES = 1024;
    private static final byte[] ZERO = bytes("0");
    private static final byte[] FIELD_V = bytes("v");
    private static final byte[] FIELD_R = bytes("r");
    private static final byte[] FIELD_E = bytes("e");
    private static final byte[] PUT = bytes("P");
    private static final byte[] REMOVE = bytes("R");
    private static final byte[] EMPTY = new byte[0];
    private static final byte[][] NO_ARGS = new byte[0][];
    private static final byte[] SWEEP_BATCH_ARG = bytes(Integer.toString(SWEEP_BATCH));

    private void ensureOpen() {
        if (closed.get()) {
            throw new StoreClosedException("Redis storage at " + endpoint);
        }
    }

    /** Runs one operation, translating failures; after close, every failure is a StoreClosedException. */
    private <T> T call(String what, Supplier<T> op) {
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
    private <T> T read(String what, Supplier<T> op) {
        ensureOpen();
        try {
            return op.get();
        } catch (RuntimeException e) {
            if (closed.get() || !RedisErrors.isClosedConnection(e)) {
                throw failure(e, what);
            }
            RedisConnector.clearIdle(client);
            LOG.debug("Redis at {} had closed a pooled connection; {} retries on a new one: {}", endpoint, what,
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
    private RuntimeException failure(RuntimeException e, String what) {
        if (closed.get()) {
            return new StoreClosedException("Redis storage at " + endpoint);
        }
        if (RedisErrors.isInterrupt(e)) {
            // Only this caller was interrupted (socket I/O is not interruptible: the wait for a pooled
            // connection is): the pool is fine, and the caller keeps its interrupt, which the pool consumed.
            Thread.currentThread().interrupt();
            return new StorageException("Interrupted while waiting for a connection to Redis at " + endpoint
                    + "; " + what + " was not sent", e);
        }
        if (RedisErrors.isConnectionProblem(e)) {
            RedisConnector.clearIdle(client);
        }
        return RedisErrors.translate(e, endpoint, what);
    }

    /** Runs a data script of scope {@code ns}: KEYS are the generation and sequence keys. */
    private Object eval(LuaScript script, Namespace ns, List<byte[]> extraArgs) {
        ScopeKeys k = scope(ns);
        List<byte[]> args = scriptArgs(k, extraArgs.size());
        args.addAll(extraArgs);
        return evalKeys(script, k.keys, args);
    }

    private ScopeKeys scope(Namespace ns) {
        ScopeKeys k = scopeKeys.get(ns);
        if (k != null) {
            return k;
        }
        // Bounded: a plugin may make buckets without end. Dropping the lot is safe (entries are rebuilt
        // on demand, a forgotten generation only costs one script read) and rare enough to stay cheap.
        if (scopeKeys.size() >= MAX_CACHED_SCOPES) {
            scopeKeys.clear();
        }
        return scopeKeys.computeIfAbsent(ns, this::keysOf);
    }

    /** @return how many scopes have their encoded names cached (for tests of the bound) */
    int cachedScopes() {
        return scopeKeys.size();
    }

    /** A data script's ARGV with the channel and namespace path in place, room for {@code extra} more. */
    private List<byte[]> scriptArgs(ScopeKeys k, int extra) {
        List<byte[]> args = new ArrayList<>(extra + 2);
        args.add(channel);
        args.add(k.path);
        return args;
    }

    /** The encoded names a scope's scripts need, built once per scope rather than on every call. */
    private static final class ScopeKeys {
        final List<byte[]> keys;
        final byte[] generationKey;
        final byte[] path;
        /** The generation this backend last read for the scope; only a hint, every read checks it. */
        volatile Generation generation;

        ScopeKeys(List<byte[]> keys, byte[] path, Generation generation) {
            this.keys = keys;
            this.generationKey = keys.get(0);
            this.path = path;
            this.generation = generation;
        }
    }

    /**
     * A generation of a scope and the encoded start of its data keys. A pipelined read sends {@code GET
     * <generation key>} and then {@code HMGET} of the data key under this generation; when the GET returns
     * this generation the HMGET's answer is a state the key had while the read was in flight: a clear
     * switches to a new generation and the old generation's hashes are never written again, so whatever
     * the HMGET finds in it is what the key held just before that clear (or nothing, once the collector
     * unlinked it, which is what the key held just after). Either is a valid answer for a read that
     * overlaps the clear, as with any concurrent write.
     */
    static final class Generation {
        private final byte[] value;
        private final byte[] dataPrefix;

        /** @param value the generation as read from the server; {@code null} (never cleared) is {@code 0} */
        Generation(KeyLayout layout, Namespace ns, byte[] value) {
            this.value = value == null ? ZERO : value;
            this.dataPrefix = layout.dataPrefix(ns, str(this.value));
        }

        /** @return whether the generation read back from the server is this one */
        boolean is(byte[] read) {
            return Arrays.equals(value, read == null ? ZERO : read);
        }

        /** @return the data key of {@code key} (UTF-8) in this generation */
        byte[] dataKey(byte[] key) {
            byte[] k = Arrays.copyOf(dataPrefix, dataPrefix.length + key.length);
            System.arraycopy(key, 0, k, dataPrefix.length, key.length);
            return k;
        }

        @Override
        public String toString() {
            return str(dataPrefix);
        }
    }

    private ScopeKeys keysOf(Namespace ns) {
        return new ScopeKeys(List.of(layout.generationKey(ns), layout.sequenceKey(ns)), bytes(ns.path()),
                new Generation(layout, ns, null));
    }

    /** @return the generation {@link #get} will try first for {@code ns} (for tests) */
    Generation cachedGeneration(Namespace ns) {
        return scope(ns).generation;
    }

    /** EVALSHA, falling back to EVAL (which caches the script) after a server restart or failover. */
    private Object evalKeys(LuaScript script, List<byte[]> keys, List<byte[]> args) {
        try {
            return client.evalsha(script.sha, keys, args);
        } catch (JedisNoScriptException e) {
            return client.eval(script.body, keys, args);
        }
    }

    private static BackendEntry entry(String key, List<Object> r, int i) {
        return new BackendEntry(key, (byte[]) r.get(i), decimal((byte[]) r.get(i + 1)), decimal((byte[]) r.get(i + 2)));
    }

    /** Parses the decimal text of a long that Redis or our scripts wrote, without building a String. */
    static long decimal(byte[] b) {
        int start = b.length > 0 && b[0] == '-' ? 1 : 0;
        // 18 digits cannot overflow a long; anything longer or odd takes the exact, checked path.
        if (b.length == start || b.length - start > 18) {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        }
        long v = 0;
        for (int i = start; i < b.length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
            }
            v = v * 10 + d;
        }
        return start == 1 ? -v : v;
    }

    private static final byte[][] SMALL_NUMBERS = new byte[256][];

    static {
        for (int i = 0; i < SMALL_NUMBERS.length; i++) {
            SMALL_NUMBERS[i] = bytes(Integer.toString(i));
        }
    }

    /** The decimal text of {@code n}; the common small counts and a zero TTL share cached arrays. */
    private static byte[] number(long n) {
        return n >= 0 && n < SMALL_NUMBERS.length ? SMALL_NUMBERS[(int) n] : bytes(Long.toString(n));
    }

    /** @return {@code ttl} as the scripts take it (0 = never); refuses what the contract does not allow */
    private static long ttl(long ttl) {
        if (ttl < 0 || ttl > MAX_MILLIS) {
            throw new InvalidArgumentException("ttl", ttl + " ms is not a time to live: it must be "
                    + "NO_EXPIRY (0) or 1 ms up to KeyValueStore.MAX_DURATION (" + MAX_MILLIS + " ms)");
        }
        return ttl;
    }

    private static long lease(long leaseMillis) {
        if (leaseMillis < 1 || leaseMillis > MAX_MILLIS) {
            throw new InvalidArgumentException("lease", leaseMillis + " ms is not a lock lease: it must be "
                    + "1 ms up to KeyValueStore.MAX_DURATION (" + MAX_MILLIS + " ms)");
        }
        return leaseMillis;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? Collections.emptyList() : (List<Object>) o;
    }

    private static long asLong(Object o) {
        if (o instanceof Long) {
            return (Long) o;
        }
        if (o instanceof byte[]) {
            return Long.parseLong(str(o));
        }
        throw new StorageException("Unexpected reply from Redis: " + o);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(Object o) {
        return o instanceof byte[] ? new String((byte[]) o, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
