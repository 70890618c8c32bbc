package dev.plinth.bench;

import static dev.plinth.bench.Fixture.KEYS;
import static dev.plinth.bench.Fixture.READ_BATCHES;
import static dev.plinth.bench.Fixture.VALUE;
import static dev.plinth.bench.Fixture.WRITE_BATCHES;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * The Redis provider beside raw Jedis 8 ({@link RedisClient}, pooled, {@value #POOL} connections like the
 * provider's default {@code poolSize}) against the private redis-server of {@link RedisServer}. Raw
 * batches use one pipeline of 100 commands. Run at 1, 4 and 16 threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RedisBench {
    static final int POOL = 16;
    /** The expiry of the set-with-TTL rows (here and in {@link RedissonBench}): long enough to outlive a run. */
    static final long TTL_SECONDS = 3600;

    private static final redis.clients.jedis.params.SetParams SET_EX =
            redis.clients.jedis.params.SetParams.setParams().ex(TTL_SECONDS);

    /** The provider on the private server, preloaded with the working set. */
    @State(Scope.Benchmark)
    public static class PlinthRedis {
        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.openRedis("plinth-bench:", POOL, StorageLayers.none());
            store = engine.store(Plinth.NAMESPACE);
            store.clear();
            WRITE_BATCHES.forEach(store::setAll);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    /** A raw pooled client on the same server; its keys carry a {@code raw:} prefix. */
    @State(Scope.Benchmark)
    public static class RawRedis {
        RedisClient client;
        final byte[][] keys = new byte[KEYS.length][];

        @Setup(Level.Trial)
        public void setUp() {
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(POOL);
            pool.setMaxIdle(POOL);
            client = RedisClient.builder()
                    .hostAndPort(RedisServer.HOST, RedisServer.port())
                    .poolConfig(pool)
                    .build();
            for (int i = 0; i < KEYS.length; i++) {
                keys[i] = ("raw:" + KEYS[i]).getBytes(StandardCharsets.UTF_8);
            }
            for (int b = 0; b < WRITE_BATCHES.size(); b++) {
                setBatch(b);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            client.close();
        }

        /** 100 SETs in one pipeline. */
        int setBatch(int b) {
            int start = b * Data.BATCH;
            int i = 0;
            try (Pipeline p = client.pipelined()) {
                for (byte[] v : WRITE_BATCHES.get(b).values()) {
                    p.set(keys[(start + i++) % keys.length], v);
                }
                p.sync();
            }
            return i;
        }
    }

    @Benchmark
    public Optional<byte[]> plinthGet(PlinthRedis s, Cursor c) {
        return s.store.get(Fixture.key(c));
    }

    @Benchmark
    public byte[] rawGet(RawRedis r, Cursor c) {
        return r.client.get(r.keys[c.next(Data.WORKING_SET)]);
    }

    @Benchmark
    public long plinthSet(PlinthRedis s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public String rawSet(RawRedis r, Cursor c) {
        return r.client.set(r.keys[c.next(Data.WORKING_SET)], VALUE);
    }

    @Benchmark
    public long plinthSetTtl(PlinthRedis s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE, java.time.Duration.ofSeconds(TTL_SECONDS));
    }

    /** {@code SET key value EX ttl}: a plain string with Redis's own expiry. */
    @Benchmark
    public String rawSetTtl(RawRedis r, Cursor c) {
        return r.client.set(r.keys[c.next(Data.WORKING_SET)], VALUE, SET_EX);
    }

    @Benchmark
    public Map<String, byte[]> plinthGetAll(PlinthRedis s, Cursor c) {
        return s.store.getAll(READ_BATCHES.get(Fixture.batch(c)));
    }

    /** 100 GETs in one pipeline. */
    @Benchmark
    public Map<String, byte[]> rawGetAll(RawRedis r, Cursor c) {
        int start = Fixture.batch(c) * Data.BATCH;
        List<Response<byte[]>> replies = new ArrayList<>(Data.BATCH);
        try (Pipeline p = r.client.pipelined()) {
            for (int i = 0; i < Data.BATCH; i++) {
                replies.add(p.get(r.keys[(start + i) % r.keys.length]));
            }
            p.sync();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < Data.BATCH; i++) {
            byte[] v = replies.get(i).get();
            if (v != null) {
                out.put(KEYS[(start + i) % KEYS.length], v);
            }
        }
        return out;
    }

    @Benchmark
    public void plinthSetAll(PlinthRedis s, Cursor c) {
        s.store.setAll(WRITE_BATCHES.get(Fixture.batch(c)));
    }

    @Benchmark
    public int rawSetAll(RawRedis r, Cursor c) {
        return r.setBatch(Fixture.batch(c));
    }
}
