package dev.plinth.bench;

import static dev.plinth.bench.Fixture.KEYS;
import static dev.plinth.bench.Fixture.READ_BATCHES;
import static dev.plinth.bench.Fixture.VALUE;
import static dev.plinth.bench.Fixture.WRITE_BATCHES;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.Transaction;
import dev.plinth.core.storage.StorageEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * The memory provider through {@link KeyValueStore} beside a raw {@link ConcurrentHashMap} holding the same
 * keys and values. Method pairs are named {@code plinthX} / {@code rawX}; the report divides one by the
 * other. Raw baselines do only what the map itself offers: no key validation, no copies, no versions, no
 * change events; that difference is exactly what the ratio prices. The two sides have separate fixtures,
 * so a raw baseline runs even where the provider is missing.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryBench {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final String[] COUNTERS = new String[64];

    static {
        for (int i = 0; i < COUNTERS.length; i++) {
            COUNTERS[i] = "counter:" + i;
        }
    }

    /** A value with an expiry: what a raw map must hold to offer a TTL at all. */
    record Timed(byte[] value, long expiresAtMillis) {}

    /** A memory engine preloaded with the working set. */
    @State(Scope.Benchmark)
    public static class PlinthStore {
        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            store = engine.store(Plinth.NAMESPACE);
            WRITE_BATCHES.forEach(store::setAll);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    /** Raw maps preloaded with the working set. */
    @State(Scope.Benchmark)
    public static class RawMaps {
        final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Timed> timed = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Long> counters = new ConcurrentHashMap<>();
        final ReentrantLock txLock = new ReentrantLock();

        @Setup(Level.Trial)
        public void setUp() {
            WRITE_BATCHES.forEach(map::putAll);
        }
    }

    /** Per-thread compare-and-set state: each thread owns one key, so every attempt should succeed. */
    @State(Scope.Thread)
    public static class PlinthCas {
        String key;
        long version;

        @Setup(Level.Trial)
        public void setUp(PlinthStore s, Cursor c) {
            key = "cas:" + c.thread;
            version = s.store.set(key, VALUE);
        }
    }

    /** Per-thread compare-and-set state for the raw map, which compares values by identity. */
    @State(Scope.Thread)
    public static class RawCas {
        String key;
        byte[] current;
        byte[] other;

        @Setup(Level.Trial)
        public void setUp(RawMaps m, Cursor c) {
            key = "cas:" + c.thread;
            current = Data.value(1);
            other = Data.value(2);
            m.map.put(key, current);
        }
    }

    @Benchmark
    public Optional<byte[]> plinthGet(PlinthStore s, Cursor c) {
        return s.store.get(Fixture.key(c));
    }

    @Benchmark
    public byte[] rawGet(RawMaps m, Cursor c) {
        return m.map.get(Fixture.key(c));
    }

    @Benchmark
    public long plinthSet(PlinthStore s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE);
    }

    @Benchmark
    public byte[] rawSet(RawMaps m, Cursor c) {
        return m.map.put(Fixture.key(c), VALUE);
    }

    @Benchmark
    public long plinthSetTtl(PlinthStore s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE, TTL);
    }

    @Benchmark
    public Timed rawSetTtl(RawMaps m, Cursor c) {
        return m.timed.put(Fixture.key(c), new Timed(VALUE, System.currentTimeMillis() + TTL.toMillis()));
    }

    @Benchmark
    public long plinthIncrement(PlinthStore s, Cursor c) {
        return s.store.increment(COUNTERS[c.next(COUNTERS.length)], 1);
    }

    /** {@code merge} of a boxed long: the usual lock-free-ish counter on a map. */
    @Benchmark
    public Long rawIncrement(RawMaps m, Cursor c) {
        return m.counters.merge(COUNTERS[c.next(COUNTERS.length)], 1L, Long::sum);
    }

    @Benchmark
    public long plinthCompareAndSet(PlinthStore s, PlinthCas k) {
        OptionalLong next = s.store.compareAndSet(k.key, k.version, VALUE);
        k.version = next.orElseThrow();
        return k.version;
    }

    @Benchmark
    public boolean rawCompareAndSet(RawMaps m, RawCas k) {
        boolean swapped = m.map.replace(k.key, k.current, k.other);
        byte[] t = k.current;
        k.current = k.other;
        k.other = t;
        return swapped;
    }

    @Benchmark
    public Map<String, byte[]> plinthGetAll(PlinthStore s, Cursor c) {
        return s.store.getAll(READ_BATCHES.get(Fixture.batch(c)));
    }

    @Benchmark
    public Map<String, byte[]> rawGetAll(RawMaps m, Cursor c) {
        List<String> batch = READ_BATCHES.get(Fixture.batch(c));
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String key : batch) {
            byte[] v = m.map.get(key);
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }

    @Benchmark
    public void plinthSetAll(PlinthStore s, Cursor c) {
        s.store.setAll(WRITE_BATCHES.get(Fixture.batch(c)));
    }

    @Benchmark
    public void rawSetAll(RawMaps m, Cursor c) {
        m.map.putAll(WRITE_BATCHES.get(Fixture.batch(c)));
    }

    /** Ten writes committed atomically. */
    @Benchmark
    public Map<String, Long> plinthTransaction(PlinthStore s, Cursor c) {
        Transaction tx = s.store.transaction();
        int base = c.next(Data.WORKING_SET);
        for (int i = 0; i < 10; i++) {
            tx.set(KEYS[(base + i) & (Data.WORKING_SET - 1)], VALUE);
        }
        return tx.commit();
    }

    /** Ten puts under one lock: the least a plain map needs to make them atomic to other lockers. */
    @Benchmark
    public int rawTransaction(RawMaps m, Cursor c) {
        int base = c.next(Data.WORKING_SET);
        m.txLock.lock();
        try {
            for (int i = 0; i < 10; i++) {
                m.map.put(KEYS[(base + i) & (Data.WORKING_SET - 1)], VALUE);
            }
        } finally {
            m.txLock.unlock();
        }
        return base;
    }

    /** The 100 literal prefixes and their bounds. */
    static final class Prefixes {
        static final int KEYS = 100_000;
        static final String[] PATTERNS = new String[100];
        static final String[] FROM = new String[100];
        static final String[] TO = new String[100];

        static {
            for (int p = 0; p < 100; p++) {
                PATTERNS[p] = Data.prefixPattern(p);
                FROM[p] = Data.prefix(p);
                // ';' follows ':' in ASCII: the exclusive upper bound of every key starting with "pNN:".
                TO[p] = FROM[p].substring(0, FROM[p].length() - 1) + ';';
            }
        }

        private Prefixes() {}
    }

    /** 100,000 keys over 100 literal prefixes in a memory engine. */
    @State(Scope.Benchmark)
    public static class PlinthListing {
        StorageEngine engine;
        KeyValueStore store;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            store = engine.store(Plinth.NAMESPACE);
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < Prefixes.KEYS; i++) {
                batch.put(Data.prefixedKey(i), VALUE);
                if (batch.size() == 1000) {
                    store.setAll(batch);
                    batch.clear();
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    /** The same 100,000 keys in a raw sorted map. */
    @State(Scope.Benchmark)
    public static class RawListing {
        final ConcurrentSkipListMap<String, byte[]> sorted = new ConcurrentSkipListMap<>();

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < Prefixes.KEYS; i++) {
                sorted.put(Data.prefixedKey(i), VALUE);
            }
        }
    }

    @Benchmark
    public List<String> plinthListPrefix(PlinthListing l, Cursor c) {
        return l.store.keys(Prefixes.PATTERNS[c.nextMod(100)]);
    }

    @Benchmark
    public List<String> rawListPrefix(RawListing l, Cursor c) {
        int p = c.nextMod(100);
        return new ArrayList<>(l.sorted.subMap(Prefixes.FROM[p], Prefixes.TO[p]).keySet());
    }

    /**
     * Keeps writers at most {@link #MAX_IN_FLIGHT} events ahead of the one listener (well under the
     * 10,000-event watch buffer), so nothing is dropped and the measured writes/s is the sustained rate
     * of events delivered to that listener.
     */
    static final class BackPressure {
        static final long MAX_IN_FLIGHT = 4_000;
        final AtomicLong written = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();

        void awaitListener() {
            long ahead = written.incrementAndGet() - delivered.get();
            int spins = 0;
            while (ahead > MAX_IN_FLIGHT) {
                if (++spins < 100) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(10_000);
                }
                ahead = written.get() - delivered.get();
            }
        }
    }

    /** A memory engine with one watch on {@code *}; its listener counts events. */
    @State(Scope.Benchmark)
    public static class PlinthWatched {
        final BackPressure pressure = new BackPressure();
        StorageEngine engine;
        KeyValueStore store;
        Subscription subscription;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            store = engine.store(Plinth.NAMESPACE);
            subscription = store.watch("*", event -> pressure.delivered.incrementAndGet());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long dropped = subscription.droppedEvents();
            subscription.close();
            engine.close();
            if (dropped > 0) {
                throw new IllegalStateException("watch dropped " + dropped
                        + " events: back-pressure failed, the figure is not a delivery rate");
            }
        }
    }

    /** The same hand-off built by hand: a map put plus a queue drained by one consumer thread. */
    @State(Scope.Benchmark)
    public static class RawWatched {
        final BackPressure pressure = new BackPressure();
        final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();
        final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread consumer;

        @Setup(Level.Trial)
        public void setUp() {
            consumer = new Thread(
                    () -> {
                        try {
                            while (true) {
                                queue.take();
                                pressure.delivered.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "raw-watch-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            consumer.interrupt();
        }
    }

    @Benchmark
    public long plinthWatchDelivery(PlinthWatched w, Cursor c) {
        long v = w.store.set(Fixture.key(c), VALUE);
        w.pressure.awaitListener();
        return v;
    }

    @Benchmark
    public boolean rawWatchDelivery(RawWatched w, Cursor c) {
        String key = Fixture.key(c);
        w.map.put(key, VALUE);
        boolean offered = w.queue.offer(key);
        w.pressure.awaitListener();
        return offered;
    }
}
