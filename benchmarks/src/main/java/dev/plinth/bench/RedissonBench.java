package dev.plinth.bench;

import static dev.plinth.bench.Fixture.KEYS;
import static dev.plinth.bench.Fixture.VALUE;
import static dev.plinth.bench.Fixture.WRITE_BATCHES;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RMap;
import org.redisson.api.RMapCache;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;

/**
 * Redisson 3.45.1, the peer a Java user would pick instead of Plinth on Redis, on the same private
 * redis-server: {@code RMap} (one hash, no expiry per entry), {@code RMapCache} (expiry per entry, kept by
 * its scripts and an eviction task) and {@code RLocalCachedMap} (a local cache kept coherent by Pub/Sub
 * invalidation, the peer of Plinth's near cache), all with {@link ByteArrayCodec} and the sync API, with
 * {@value RedisBench#POOL} connections like the provider's pool. Every write is Redisson's cheapest form
 * that stores the value ({@code fastPut}, which does not return the old value). Run in one JMH invocation
 * with {@link RedisBench} and {@link NearCacheBench} so the ratios share one machine state, for example
 * {@code java -jar benchmarks/target/benchmarks.jar 'RedisBench|RedissonBench' -t 1}.
 */
// byte[] keys are what ByteArrayCodec encodes: Redisson hashes their bytes, and each key here is one array
// (RKEYS), so identity in the batch maps and sets is the key's identity.
@SuppressWarnings("ArrayAsKeyOfSetOrMap")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RedissonBench {
    /** The working set as Redisson keys; batches as in {@link Fixture}. */
    static final byte[][] RKEYS = new byte[KEYS.length][];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            RKEYS[i] = KEYS[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    /** One client with the three maps, each preloaded with the working set. */
    @State(Scope.Benchmark)
    public static class Peer {
        RedissonClient client;
        RMap<byte[], byte[]> map;
        RMapCache<byte[], byte[]> mapCache;
        RLocalCachedMap<byte[], byte[]> local;
        final List<Map<byte[], byte[]>> writeBatches = new ArrayList<>();
        final List<Set<byte[]>> readBatches = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp() {
            Config config = new Config();
            config.setCodec(ByteArrayCodec.INSTANCE);
            config.useSingleServer()
                    .setAddress("redis://" + RedisServer.HOST + ":" + RedisServer.port())
                    .setConnectionPoolSize(RedisBench.POOL)
                    .setConnectionMinimumIdleSize(RedisBench.POOL);
            client = Redisson.create(config);
            map = client.getMap("redisson-bench:map");
            mapCache = client.getMapCache("redisson-bench:mapcache");
            local = client.getLocalCachedMap(LocalCachedMapOptions.<byte[], byte[]>name("redisson-bench:local")
                    .cacheSize(4 * KEYS.length));
            map.delete();
            mapCache.delete();
            local.delete();
            for (int b = 0; b < WRITE_BATCHES.size(); b++) {
                Map<byte[], byte[]> w = new LinkedHashMap<>();
                Set<byte[]> r = new LinkedHashSet<>();
                int start = b * Data.BATCH;
                int i = 0;
                for (byte[] v : WRITE_BATCHES.get(b).values()) {
                    byte[] k = RKEYS[(start + i++) % RKEYS.length];
                    w.put(k, v);
                    r.add(k);
                }
                writeBatches.add(w);
                readBatches.add(r);
                map.putAll(w);
                mapCache.putAll(w);
            }
            // Every key in the local cached map and read once, so a hot get is a local hit, as
            // NearCacheBench's cache=on rows are.
            for (byte[] k : RKEYS) {
                local.fastPut(k, VALUE);
            }
            for (byte[] k : RKEYS) {
                local.get(k);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            map.delete();
            mapCache.delete();
            local.delete();
            client.shutdown();
        }
    }

    static byte[] key(Cursor c) {
        return RKEYS[c.next(Data.WORKING_SET)];
    }

    @Benchmark
    public byte[] mapGet(Peer p, Cursor c) {
        return p.map.get(key(c));
    }

    @Benchmark
    public byte[] mapCacheGet(Peer p, Cursor c) {
        return p.mapCache.get(key(c));
    }

    @Benchmark
    public boolean mapSet(Peer p, Cursor c) {
        return p.map.fastPut(key(c), VALUE);
    }

    @Benchmark
    public boolean mapCacheSet(Peer p, Cursor c) {
        return p.mapCache.fastPut(key(c), VALUE);
    }

    /** The TTL of {@link RedisBench#plinthSetTtl}; RMap has no expiry per entry. */
    @Benchmark
    public boolean mapCacheSetTtl(Peer p, Cursor c) {
        return p.mapCache.fastPut(key(c), VALUE, RedisBench.TTL_SECONDS, TimeUnit.SECONDS);
    }

    @Benchmark
    public Map<byte[], byte[]> mapGetAll(Peer p, Cursor c) {
        return p.map.getAll(p.readBatches.get(Fixture.batch(c)));
    }

    @Benchmark
    public Map<byte[], byte[]> mapCacheGetAll(Peer p, Cursor c) {
        return p.mapCache.getAll(p.readBatches.get(Fixture.batch(c)));
    }

    @Benchmark
    public void mapPutAll(Peer p, Cursor c) {
        p.map.putAll(p.writeBatches.get(Fixture.batch(c)));
    }

    @Benchmark
    public void mapCachePutAll(Peer p, Cursor c) {
        p.mapCache.putAll(p.writeBatches.get(Fixture.batch(c)));
    }

    /** A hot get of {@code RLocalCachedMap}: the peer of {@code NearCacheBench.redisGet} with cache=on. */
    @Benchmark
    public byte[] localCachedGet(Peer p, Cursor c) {
        return p.local.get(key(c));
    }
}
