package dev.plinth.bench;

import static dev.plinth.bench.Fixture.KEYS;
import static dev.plinth.bench.Fixture.VALUE;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.storage.StorageEngine;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
        @Param({"off", "on"})
        public String cache;

        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open(
                    "redis",
                    Map.of(
                            "uri",
                            "redis://" + RedisServer.HOST + ":" + RedisServer.port(),
                            "poolSize",
                            Integer.toString(RedisBench.POOL),
                            "keyPrefix",
                            "plinth-bench-cache:"),
                    layers(cache));
            store = preload(engine);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.cacheStats().ifPresent(st -> System.out.printf("%n[redis cache] %s%n", st));
            store.clear();
            engine.close();
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
}
