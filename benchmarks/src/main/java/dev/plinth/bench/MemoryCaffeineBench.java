package dev.plinth.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.storage.StorageEngine;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * The memory provider beside the peer a Java user would pick for an in-memory store, Caffeine, at a size
 * where the working set no longer fits the CPU caches ({@value #ENTRIES} keys, 100-byte values; a constant,
 * not a JMH parameter, so the {@code -p keys=...} of the quick runs does not shrink it).
 * The fair peer is Caffeine with {@code expireAfterWrite}, since any Plinth key may carry a TTL; Caffeine
 * without expiry and a raw {@link ConcurrentHashMap} bound the rows from above. Caffeine and the map
 * hand out the stored array itself; Plinth copies a value in and out (its contract), so each Plinth get
 * and set also pays for one 100-byte copy the peers do not make; {@code rawGetCopy} and
 * {@code rawPutCopy} are the raw map with that copy, the floor Plinth can reach.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryCaffeineBench {
    static final int ENTRIES = 100_000;
    private static final Duration EXPIRY = Duration.ofMinutes(10);

    /** The keys and one value, shared by every side. */
    @State(Scope.Benchmark)
    public static class Keys {
        String[] all;
        final byte[] value = Data.value(0);

        @Setup(Level.Trial)
        public void setUp() {
            all = Data.keys(ENTRIES);
        }

        String next(Cursor c) {
            return all[c.nextMod(all.length)];
        }
    }

    @State(Scope.Benchmark)
    public static class PlinthMemory {
        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp(Keys k) {
            engine = Plinth.open("memory", Map.of());
            store = engine.store(Plinth.NAMESPACE);
            for (String key : k.all) {
                store.set(key, k.value);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    @State(Scope.Benchmark)
    public static class CaffeineExpiring {
        Cache<String, byte[]> cache;

        @Setup(Level.Trial)
        public void setUp(Keys k) {
            cache = Caffeine.newBuilder().expireAfterWrite(EXPIRY).build();
            for (String key : k.all) {
                cache.put(key, k.value);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class CaffeinePlain {
        Cache<String, byte[]> cache;

        @Setup(Level.Trial)
        public void setUp(Keys k) {
            cache = Caffeine.newBuilder().build();
            for (String key : k.all) {
                cache.put(key, k.value);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class RawMap {
        final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

        @Setup(Level.Trial)
        public void setUp(Keys k) {
            for (String key : k.all) {
                map.put(key, k.value);
            }
        }
    }

    @Benchmark
    public Optional<byte[]> plinthGet(PlinthMemory s, Keys k, Cursor c) {
        return s.store.get(k.next(c));
    }

    /** {@code getView}: the read-only buffer over the stored bytes, no copy (issue 21's suggested addition). */
    @Benchmark
    public Optional<java.nio.ByteBuffer> plinthGetView(PlinthMemory s, Keys k, Cursor c) {
        return s.store.getView(k.next(c));
    }

    @Benchmark
    public long plinthSet(PlinthMemory s, Keys k, Cursor c) {
        return s.store.set(k.next(c), k.value);
    }

    @Benchmark
    public byte[] caffeineExpiringGet(CaffeineExpiring s, Keys k, Cursor c) {
        return s.cache.getIfPresent(k.next(c));
    }

    @Benchmark
    public void caffeineExpiringPut(CaffeineExpiring s, Keys k, Cursor c) {
        s.cache.put(k.next(c), k.value);
    }

    @Benchmark
    public byte[] caffeineGet(CaffeinePlain s, Keys k, Cursor c) {
        return s.cache.getIfPresent(k.next(c));
    }

    @Benchmark
    public void caffeinePut(CaffeinePlain s, Keys k, Cursor c) {
        s.cache.put(k.next(c), k.value);
    }

    @Benchmark
    public byte[] rawGet(RawMap s, Keys k, Cursor c) {
        return s.map.get(k.next(c));
    }

    @Benchmark
    public byte[] rawPut(RawMap s, Keys k, Cursor c) {
        return s.map.put(k.next(c), k.value);
    }

    /**
     * {@link #rawGet} plus the one copy of the value Plinth's contract makes on the way out: the floor
     * for {@link #plinthGet} (which also returns an {@code Optional}) in time and in bytes per call.
     */
    @Benchmark
    public byte[] rawGetCopy(RawMap s, Keys k, Cursor c) {
        byte[] v = s.map.get(k.next(c));
        return v == null ? null : v.clone();
    }

    /** {@link #rawPut} of a copy, as Plinth stores one: the floor for {@link #plinthSet}. */
    @Benchmark
    public byte[] rawPutCopy(RawMap s, Keys k, Cursor c) {
        return s.map.put(k.next(c), k.value.clone());
    }
}
