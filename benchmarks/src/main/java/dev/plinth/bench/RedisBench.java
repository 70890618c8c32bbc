package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
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

    /** The provider and a raw client on the same server, both preloaded with the working set. */
    @State(Scope.Benchmark)
    public static class Stores {
        StorageEngine engine;
        KeyValueStore store;
        RedisClient raw;
        String[] keys;
        byte[][] rawKeys;
        byte[] value;
        final List<Map<String, byte[]>> batches = new ArrayList<>();
        final List<List<String>> readBatches = new ArrayList<>();

        @Setup(Level.Trial)
        public void setUp() {
            int port = RedisServer.port();
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(POOL);
            pool.setMaxIdle(POOL);
            raw = RedisClient.builder().hostAndPort(RedisServer.HOST, port).poolConfig(pool).build();
            raw.flushAll();
            engine = Plinth.open("redis", Map.of(
                    "uri", "redis://" + RedisServer.HOST + ":" + port,
                    "poolSize", Integer.toString(POOL),
                    "keyPrefix", "plinth:"));
            store = engine.store(Plinth.NAMESPACE);
            keys = Data.keys(Data.WORKING_SET);
            rawKeys = new byte[keys.length][];
            for (int i = 0; i < keys.length; i++) {
                rawKeys[i] = ("raw:" + keys[i]).getBytes(StandardCharsets.UTF_8);
            }
            value = Data.value(0);
            for (int b = 0; b < Data.WORKING_SET / Data.BATCH; b++) {
                Map<String, byte[]> batch = Data.batch(keys, b);
                batches.add(batch);
                readBatches.add(List.copyOf(batch.keySet()));
                store.setAll(batch);
                try (Pipeline p = raw.pipelined()) {
                    for (Map.Entry<String, byte[]> e : batch.entrySet()) {
                        p.set(("raw:" + e.getKey()).getBytes(StandardCharsets.UTF_8), e.getValue());
                    }
                    p.sync();
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
            raw.close();
        }
    }

    @Benchmark
    public Optional<byte[]> plinthGet(Stores s, Cursor c) {
        return s.store.get(s.keys[c.next(Data.WORKING_SET)]);
    }

    @Benchmark
    public byte[] rawGet(Stores s, Cursor c) {
        return s.raw.get(s.rawKeys[c.next(Data.WORKING_SET)]);
    }

    @Benchmark
    public long plinthSet(Stores s, Cursor c) {
        return s.store.set(s.keys[c.next(Data.WORKING_SET)], s.value);
    }

    @Benchmark
    public String rawSet(Stores s, Cursor c) {
        return s.raw.set(s.rawKeys[c.next(Data.WORKING_SET)], s.value);
    }

    @Benchmark
    public Map<String, byte[]> plinthGetAll(Stores s, Cursor c) {
        return s.store.getAll(s.readBatches.get(c.nextMod(s.readBatches.size())));
    }

    /** 100 GETs in one pipeline. */
    @Benchmark
    public Map<String, byte[]> rawGetAll(Stores s, Cursor c) {
        int b = c.nextMod(s.readBatches.size());
        int start = b * Data.BATCH;
        List<Response<byte[]>> replies = new ArrayList<>(Data.BATCH);
        try (Pipeline p = s.raw.pipelined()) {
            for (int i = 0; i < Data.BATCH; i++) {
                replies.add(p.get(s.rawKeys[(start + i) % s.rawKeys.length]));
            }
            p.sync();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < Data.BATCH; i++) {
            byte[] v = replies.get(i).get();
            if (v != null) {
                out.put(s.keys[(start + i) % s.keys.length], v);
            }
        }
        return out;
    }

    @Benchmark
    public void plinthSetAll(Stores s, Cursor c) {
        s.store.setAll(s.batches.get(c.nextMod(s.batches.size())));
    }

    /** 100 SETs in one pipeline. */
    @Benchmark
    public int rawSetAll(Stores s, Cursor c) {
        int b = c.nextMod(s.batches.size());
        int start = b * Data.BATCH;
        Map<String, byte[]> batch = s.batches.get(b);
        int i = 0;
        try (Pipeline p = s.raw.pipelined()) {
            for (byte[] v : batch.values()) {
                p.set(s.rawKeys[(start + i++) % s.rawKeys.length], v);
            }
            p.sync();
        }
        return i;
    }
}
