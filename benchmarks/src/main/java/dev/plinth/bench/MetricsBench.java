package dev.plinth.bench;

import static dev.plinth.bench.Fixture.VALUE;
import static dev.plinth.bench.Fixture.WRITE_BATCHES;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.observe.PluginObserver;
import dev.plinth.core.observe.StoreOperation;
import dev.plinth.core.observed.ObservedStore;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.metrics.PlinthMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
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

/**
 * What metrics cost: the same store with metrics off (the engine's store, as a runtime without an observer
 * hands it out) and on (wrapped the way the runtime wraps it when the host passes
 * {@code PlinthMetrics.observer(registry)}, here on a {@link PrometheusMeterRegistry}, the example host's).
 * Pairs are {@code offX} / {@code onX}; the ratio on/off is the price. {@code noopMemoryGet} and
 * {@code countOnlyMemoryGet} split the memory get's price: the decorator alone, and the decorator with the
 * cheapest exact count (a thread-local array). Targets (issue 16): memory get at
 * least 0.9x, sqlite and redis set at least 0.97x.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MetricsBench {

    /** A memory engine preloaded with the working set, its store plain and observed. */
    @State(Scope.Benchmark)
    public static class Memory {
        StorageEngine engine;
        KeyValueStore off;
        KeyValueStore on;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            off = engine.store(Plinth.NAMESPACE);
            WRITE_BATCHES.forEach(off::setAll);
            on = observed(engine.store(Plinth.NAMESPACE));
            noop = ObservedStore.wrap(engine.store(Plinth.NAMESPACE), new Noop());
            countOnly = ObservedStore.wrap(engine.store(Plinth.NAMESPACE), new CountOnly());
        }

        /** Wrapped with {@link Noop}. */
        KeyValueStore noop;
        /** Wrapped with {@link CountOnly}. */
        KeyValueStore countOnly;

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    /** The decorator with an observer that does nothing: what wrapping the store costs by itself. */
    static class Noop implements PluginObserver {
        @Override
        public long start(StoreOperation operation) {
            return NOT_TIMED;
        }

        @Override
        public void completed(StoreOperation operation, long start) {}

        @Override
        public void failed(StoreOperation operation, long start, RuntimeException error) {}

        @Override
        public void bytesWritten(long bytes) {}

        @Override
        public void bytesRead(long bytes) {}

        @Override
        public void lockWaited(long nanos, boolean acquired) {}

        @Override
        public void watchOverflowed(long dropped) {}
    }

    /**
     * The decorator with an observer that only counts calls and bytes in a per-thread array: the floor of
     * any exact count, since a call must at least find its thread's counters and write one.
     */
    @SuppressWarnings("EnumOrdinal")
    static final class CountOnly extends Noop {
        private final ThreadLocal<long[]> counts = ThreadLocal.withInitial(() -> new long[16]);

        @Override
        public void completed(StoreOperation operation, long start) {
            counts.get()[operation.ordinal()]++;
        }

        @Override
        public void completedRead(StoreOperation operation, long start, long bytes) {
            long[] c = counts.get();
            c[operation.ordinal()]++;
            c[15] += bytes;
        }
    }

    @Benchmark
    public Optional<byte[]> noopMemoryGet(Memory s, Cursor c) {
        return s.noop.get(Fixture.key(c));
    }

    @Benchmark
    public Optional<byte[]> countOnlyMemoryGet(Memory s, Cursor c) {
        return s.countOnly.get(Fixture.key(c));
    }

    /** A SQLite engine (WAL, normal durability, shared) with its store plain and observed. */
    @State(Scope.Benchmark)
    public static class Sqlite {
        Path dir;
        StorageEngine engine;
        KeyValueStore off;
        KeyValueStore on;

        @Setup(Level.Trial)
        public void setUp() {
            dir = Data.tempDir("sqlite-metrics");
            engine = Plinth.open(
                    "sqlite", Map.of("path", dir.resolve("plinth.db").toString(), "wal", "true", "busyTimeout", "5s"));
            off = engine.store(Plinth.NAMESPACE);
            WRITE_BATCHES.forEach(off::setAll);
            on = observed(engine.store(Plinth.NAMESPACE));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
            Data.deleteTree(dir);
        }
    }

    /** A Redis engine on the private benchmark server (see {@link RedisServer}), its store plain and observed. */
    @State(Scope.Benchmark)
    public static class Redis {
        StorageEngine engine;
        KeyValueStore off;
        KeyValueStore on;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.openRedis("plinth-metrics-bench:", 0, StorageLayers.none());
            off = engine.store(Plinth.NAMESPACE);
            off.clear();
            WRITE_BATCHES.forEach(off::setAll);
            on = observed(engine.store(Plinth.NAMESPACE));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    static KeyValueStore observed(KeyValueStore store) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return ObservedStore.wrap(store, PlinthMetrics.observer(registry).plugin(Plinth.NAMESPACE));
    }

    @Benchmark
    public Optional<byte[]> offMemoryGet(Memory s, Cursor c) {
        return s.off.get(Fixture.key(c));
    }

    @Benchmark
    public Optional<byte[]> onMemoryGet(Memory s, Cursor c) {
        return s.on.get(Fixture.key(c));
    }

    @Benchmark
    public long offMemorySet(Memory s, Cursor c) {
        return s.off.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public long onMemorySet(Memory s, Cursor c) {
        return s.on.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public long offSqliteSet(Sqlite s, Cursor c) {
        return s.off.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public long onSqliteSet(Sqlite s, Cursor c) {
        return s.on.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public long offRedisSet(Redis s, Cursor c) {
        return s.off.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public long onRedisSet(Redis s, Cursor c) {
        return s.on.set(Fixture.key(c), VALUE);
    }
}
