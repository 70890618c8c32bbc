package dev.plinth.bench;

import static dev.plinth.bench.Fixture.KEYS;
import static dev.plinth.bench.Fixture.VALUE;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * The near cache in front of SQLite and Redis ({@code cache=on}) beside the same provider without it
 * ({@code cache=off}), the memory provider's uncached get, and raw Caffeine: hot gets (every key of the
 * working set is stored and the set fits the cache, so every measured get is a hit), writes (which invalidate) and misses (negative caching
 * off, so a miss reaches the backend either way). Redis runs on the private server of {@code run.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NearCacheBench {
    /** Big enough for the working set: the hot-get rows measure hits. */
    static final CacheSettings CACHE = new CacheSettings(true, 4L * KEYS.length, 0, Duration.ofMinutes(10), false);

    static StorageLayers layers(String cache) {
        return "on".equals(cache) ? StorageLayers.cache(CACHE) : StorageLayers.none();
    }

    static KeyValueStore preload(StorageEngine engine) {
        KeyValueStore store = engine.store(Plinth.NAMESPACE);
        store.clear();
        // Every key of the working set, so a hot get is a hit (the write batches leave the last 92 out, and a
        // miss on Redis costs a round trip that would dominate the row).
        for (String k : KEYS) {
            store.set(k, VALUE);
        }
        // Warm the cache (when on): every key read once.
        for (String k : KEYS) {
            store.get(k);
        }
        return store;
    }

    /** The SQLite provider in a fresh folder, with or without the cache. */
    @State(Scope.Benchmark)
    public static class Sqlite {
        @Param({"off", "on"})
        public String cache;

        java.nio.file.Path dir;
        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp() {
            dir = Data.tempDir("sqlite-cache");
            engine = Plinth.open(
                    "sqlite",
                    Map.of("path", dir.resolve("plinth.db").toString(), "wal", "true", "busyTimeout", "5s"),
                    layers(cache));
            store = preload(engine);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.cacheStats().ifPresent(st -> System.out.printf("%n[sqlite cache] %s%n", st));
            engine.close();
            Data.deleteTree(dir);
        }
    }

    /** The Redis provider on the private server, with or without the cache. */
    @State(Scope.Benchmark)
    public static class Redis {
        /**
         * {@code watched}: no cache, but a watcher on another namespace keeps the change feed subscribed, as
         * the cache must; set then pays for the subscription without any cache work, which tells the two
         * costs apart.
         */
        @Param({"off", "on", "watched"})
        public String cache;

        Subscription watcher;

        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.openRedis("plinth-bench-cache:", RedisBench.POOL, layers(cache));
            store = preload(engine);
            if ("watched".equals(cache)) {
                watcher = engine.store("bench-cache-watched").watch("*", e -> {});
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (watcher != null) {
                watcher.close();
            }
            engine.cacheStats().ifPresent(st -> System.out.printf("%n[redis cache] %s%n", st));
            store.clear();
            engine.close();
        }
    }

    /**
     * The floor under a write that other processes must hear of: raw Jedis running one script that does
     * {@code SET} and {@code PUBLISH} (what a Plinth write does), with ({@code on}) or without ({@code off})
     * a subscriber connection of this process reading the channel, as a cache's feed must.
     */
    @State(Scope.Benchmark)
    public static class RawPublish {
        static final String SCRIPT =
                "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('PUBLISH', KEYS[2], ARGV[2])";
        static final byte[] CHANNEL = "raw-cache-bench:changes".getBytes(StandardCharsets.UTF_8);

        @Param({"off", "on"})
        public String subscriber;

        RedisClient client;
        byte[] sha;
        final byte[][] keys = new byte[KEYS.length][];
        Jedis subscriberConnection;
        Thread subscriberThread;
        final LongAdder received = new LongAdder();

        @Setup(Level.Trial)
        public void setUp() throws InterruptedException {
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(RedisBench.POOL);
            pool.setMaxIdle(RedisBench.POOL);
            client = RedisClient.builder()
                    .hostAndPort(RedisServer.HOST, RedisServer.port())
                    .poolConfig(pool)
                    .build();
            sha = client.scriptLoad(SCRIPT).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < KEYS.length; i++) {
                keys[i] = ("raw-cache:" + KEYS[i]).getBytes(StandardCharsets.UTF_8);
            }
            if ("on".equals(subscriber)) {
                CountDownLatch subscribed = new CountDownLatch(1);
                subscriberConnection = new Jedis(RedisServer.HOST, RedisServer.port());
                BinaryJedisPubSub listener = new BinaryJedisPubSub() {
                    @Override
                    public void onSubscribe(byte[] channel, int count) {
                        subscribed.countDown();
                    }

                    @Override
                    public void onMessage(byte[] channel, byte[] message) {
                        received.increment();
                    }
                };
                subscriberThread =
                        new Thread(() -> subscriberConnection.subscribe(listener, CHANNEL), "raw-subscriber");
                subscriberThread.setDaemon(true);
                subscriberThread.start();
                if (!subscribed.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("raw subscriber did not subscribe within 10 s");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            if (subscriberConnection != null) {
                System.out.printf("%n[raw subscriber] %,d messages received%n", received.sum());
                subscriberConnection.disconnect();
                subscriberThread.join(5_000);
            }
            client.close();
        }
    }

    /** The memory provider, uncached: the target a cached get is held to. */
    @State(Scope.Benchmark)
    public static class Memory {
        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            store = preload(engine);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    /** Raw Caffeine with the same bound, keys and values: the library under the near cache. */
    @State(Scope.Benchmark)
    public static class RawCaffeine {
        Cache<String, byte[]> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = Caffeine.newBuilder()
                    .maximumSize(CACHE.maxEntries())
                    .expireAfterWrite(CACHE.ttl())
                    .build();
            for (String k : KEYS) {
                cache.put(k, VALUE);
            }
        }
    }

    /**
     * Raw Caffeine configured as the near cache is (size bound, expire-after-write, maintenance on the caller,
     * a removal listener) with a composite (namespace, key) key allocated per lookup, as the near cache does.
     */
    @State(Scope.Benchmark)
    public static class RawCaffeineAsNearCache {
        record Key(String ns, String key) {}

        Cache<Key, byte[]> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = Caffeine.newBuilder()
                    .maximumSize(CACHE.maxEntries())
                    .expireAfterWrite(CACHE.ttl())
                    .executor(Runnable::run)
                    .removalListener((Key k, byte[] v, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {})
                    .build();
            for (String k : KEYS) {
                cache.put(new Key(Plinth.NAMESPACE, k), VALUE);
            }
        }
    }

    @Benchmark
    public byte[] caffeineAsNearCacheGet(RawCaffeineAsNearCache s, Cursor c) {
        byte[] v = s.cache.getIfPresent(new RawCaffeineAsNearCache.Key(Plinth.NAMESPACE, Fixture.key(c)));
        return v == null ? null : v.clone();
    }

    @Benchmark
    public Optional<byte[]> memoryGet(Memory s, Cursor c) {
        return s.store.get(Fixture.key(c));
    }

    @Benchmark
    public byte[] caffeineGet(RawCaffeine s, Cursor c) {
        return s.cache.getIfPresent(Fixture.key(c));
    }

    @Benchmark
    public Optional<byte[]> sqliteGet(Sqlite s, Cursor c) {
        return s.store.get(Fixture.key(c));
    }

    @Benchmark
    public long sqliteSet(Sqlite s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public Optional<byte[]> sqliteMiss(Sqlite s, Cursor c) {
        return s.store.get("missing:" + Fixture.key(c));
    }

    @Benchmark
    public Optional<byte[]> redisGet(Redis s, Cursor c) {
        return s.store.get(Fixture.key(c));
    }

    @Benchmark
    public long redisSet(Redis s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public Optional<byte[]> redisMiss(Redis s, Cursor c) {
        return s.store.get("missing:" + Fixture.key(c));
    }

    @Benchmark
    public Object rawSetAndPublish(RawPublish s, Cursor c) {
        byte[] key = s.keys[c.next(Data.WORKING_SET)];
        return s.client.evalsha(s.sha, 2, key, RawPublish.CHANNEL, VALUE, key);
    }
}
