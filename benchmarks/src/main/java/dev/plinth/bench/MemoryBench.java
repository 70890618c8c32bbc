package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.Subscription;
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
 * change events; that difference is exactly what the ratio prices.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryBench {
    private static final Duration TTL = Duration.ofMinutes(10);

    /** A value with an expiry: what a raw map must hold to offer a TTL at all. */
    record Timed(byte[] value, long expiresAtMillis) {
    }

    /** One memory engine and the raw maps, preloaded with {@link Data#WORKING_SET} keys. */
    @State(Scope.Benchmark)
    public static class Stores {
        StorageEngine engine;
        KeyValueStore store;
        final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Timed> timed = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Long> counters = new ConcurrentHashMap<>();
        final ReentrantLock txLock = new ReentrantLock();
        final String[] counterKeys = new String[64];
        String[] keys;
        byte[] value;
        List<List<String>> readBatches;
        List<Map<String, byte[]>> writeBatches;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            store = engine.store(Plinth.NAMESPACE);
            keys = Data.keys(Data.WORKING_SET);
            value = Data.value(0);
            for (int i = 0; i < counterKeys.length; i++) {
                counterKeys[i] = "counter:" + i;
            }
            readBatches = new ArrayList<>();
            writeBatches = new ArrayList<>();
            for (int b = 0; b < Data.WORKING_SET / Data.BATCH; b++) {
                Map<String, byte[]> batch = Data.batch(keys, b);
                writeBatches.add(batch);
                readBatches.add(List.copyOf(batch.keySet()));
                store.setAll(batch);
                map.putAll(batch);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    /** Per-thread compare-and-set state: each thread owns one key, so every attempt should succeed. */
    @State(Scope.Thread)
    public static class CasKey {
        String key;
        long version;
        byte[] current;
        byte[] other;

        @Setup(Level.Trial)
        public void setUp(Stores s, Cursor c) {
            key = "cas:" + c.thread;
            current = Data.value(1);
            other = Data.value(2);
            version = s.store.set(key, current);
            s.map.put(key, current);
        }
    }

    @Benchmark
    public Optional<byte[]> plinthGet(Stores s, Cursor c) {
        return s.store.get(s.keys[c.next(Data.WORKING_SET)]);
    }

    @Benchmark
    public byte[] rawGet(Stores s, Cursor c) {
        return s.map.get(s.keys[c.next(Data.WORKING_SET)]);
    }

    @Benchmark
    public long plinthSet(Stores s, Cursor c) {
        return s.store.set(s.keys[c.next(Data.WORKING_SET)], s.value);
    }

    @Benchmark
    public byte[] rawSet(Stores s, Cursor c) {
        return s.map.put(s.keys[c.next(Data.WORKING_SET)], s.value);
    }

    @Benchmark
    public long plinthSetTtl(Stores s, Cursor c) {
        return s.store.set(s.keys[c.next(Data.WORKING_SET)], s.value, TTL);
    }

    @Benchmark
    public Timed rawSetTtl(Stores s, Cursor c) {
        return s.timed.put(s.keys[c.next(Data.WORKING_SET)],
                new Timed(s.value, System.currentTimeMillis() + TTL.toMillis()));
    }

    @Benchmark
    public long plinthIncrement(Stores s, Cursor c) {
        return s.store.increment(s.counterKeys[c.next(64)], 1);
    }

    @Benchmark
    public Long rawIncrement(Stores s, Cursor c) {
        return s.counters.merge(s.counterKeys[c.next(64)], 1L, Long::sum);
    }

    @Benchmark
    public OptionalLong plinthCompareAndSet(Stores s, CasKey k) {
        OptionalLong next = s.store.compareAndSet(k.key, k.version, k.other);
        k.version = next.orElseThrow();
        byte[] t = k.current;
        k.current = k.other;
        k.other = t;
        return next;
    }

    @Benchmark
    public boolean rawCompareAndSet(Stores s, CasKey k) {
        boolean swapped = s.map.replace(k.key, k.current, k.other);
        byte[] t = k.current;
        k.current = k.other;
        k.other = t;
        return swapped;
    }

    @Benchmark
    public Map<String, byte[]> plinthGetAll(Stores s, Cursor c) {
        return s.store.getAll(s.readBatches.get(c.nextMod(s.readBatches.size())));
    }

    @Benchmark
    public Map<String, byte[]> rawGetAll(Stores s, Cursor c) {
        List<String> batch = s.readBatches.get(c.nextMod(s.readBatches.size()));
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String key : batch) {
            byte[] v = s.map.get(key);
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }

    @Benchmark
    public void plinthSetAll(Stores s, Cursor c) {
        s.store.setAll(s.writeBatches.get(c.nextMod(s.writeBatches.size())));
    }

    @Benchmark
    public void rawSetAll(Stores s, Cursor c) {
        s.map.putAll(s.writeBatches.get(c.nextMod(s.writeBatches.size())));
    }

    /** Ten writes committed atomically; raw holds a lock over ten puts, the least a map needs for that. */
    @Benchmark
    public Map<String, Long> plinthTransaction(Stores s, Cursor c) {
        var tx = s.store.transaction();
        int base = c.next(Data.WORKING_SET);
        for (int i = 0; i < 10; i++) {
            tx.set(s.keys[(base + i) & (Data.WORKING_SET - 1)], s.value);
        }
        return tx.commit();
    }

    @Benchmark
    public int rawTransaction(Stores s, Cursor c) {
        int base = c.next(Data.WORKING_SET);
        s.txLock.lock();
        try {
            for (int i = 0; i < 10; i++) {
                s.map.put(s.keys[(base + i) & (Data.WORKING_SET - 1)], s.value);
            }
        } finally {
            s.txLock.unlock();
        }
        return base;
    }

    /** 100,000 keys over 100 literal prefixes, in the provider and in a raw sorted map. */
    @State(Scope.Benchmark)
    public static class Listing {
        static final int KEYS = 100_000;
        StorageEngine engine;
        KeyValueStore store;
        final ConcurrentSkipListMap<String, byte[]> sorted = new ConcurrentSkipListMap<>();
        String[] patterns = new String[100];
        String[] from = new String[100];
        String[] to = new String[100];

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            store = engine.store(Plinth.NAMESPACE);
            byte[] v = Data.value(0);
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < KEYS; i++) {
                String key = Data.prefixedKey(i);
                sorted.put(key, v);
                batch.put(key, v);
                if (batch.size() == 1000) {
                    store.setAll(batch);
                    batch.clear();
                }
            }
            for (int p = 0; p < 100; p++) {
                patterns[p] = Data.prefixPattern(p);
                from[p] = Data.prefix(p);
                // ';' follows ':' in ASCII: the exclusive upper bound of every key starting with "pNN:".
                to[p] = from[p].substring(0, from[p].length() - 1) + ';';
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    @Benchmark
    public List<String> plinthListPrefix(Listing l, Cursor c) {
        return l.store.keys(l.patterns[c.nextMod(100)]);
    }

    @Benchmark
    public List<String> rawListPrefix(Listing l, Cursor c) {
        int p = c.nextMod(100);
        return new ArrayList<>(l.sorted.subMap(l.from[p], l.to[p]).keySet());
    }

    /**
     * Watch delivery to one listener. Writers never run more than {@link #MAX_IN_FLIGHT} events ahead of
     * the listener (well under the 10,000-event buffer), so nothing is dropped and the measured writes/s
     * is the sustained rate of events delivered to the listener. The raw baseline is the same hand-off
     * built by hand: a map put plus a queue drained by one consumer thread.
     */
    @State(Scope.Benchmark)
    public static class Watched {
        static final long MAX_IN_FLIGHT = 4_000;
        StorageEngine engine;
        KeyValueStore store;
        Subscription subscription;
        final AtomicLong written = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();
        final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final AtomicLong rawDelivered = new AtomicLong();
        Thread consumer;
        String[] keys;
        byte[] value;

        @Setup(Level.Trial)
        public void setUp() {
            engine = Plinth.open("memory", Map.of());
            store = engine.store(Plinth.NAMESPACE);
            subscription = store.watch("*", event -> delivered.incrementAndGet());
            keys = Data.keys(Data.WORKING_SET);
            value = Data.value(0);
            consumer = new Thread(() -> {
                try {
                    while (true) {
                        queue.take();
                        rawDelivered.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "raw-watch-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            consumer.interrupt();
            subscription.close();
            engine.close();
            if (subscription.droppedEvents() > 0) {
                throw new IllegalStateException("watch dropped " + subscription.droppedEvents()
                        + " events: back-pressure failed, the figure is not a delivery rate");
            }
        }

        static void awaitListener(AtomicLong written, AtomicLong delivered) {
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

    @Benchmark
    public long plinthWatchDelivery(Watched w, Cursor c) {
        long v = w.store.set(w.keys[c.next(Data.WORKING_SET)], w.value);
        Watched.awaitListener(w.written, w.delivered);
        return v;
    }

    @Benchmark
    public boolean rawWatchDelivery(Watched w, Cursor c) {
        String key = w.keys[c.next(Data.WORKING_SET)];
        w.map.put(key, w.value);
        boolean offered = w.queue.offer(key);
        Watched.awaitListener(w.written, w.rawDelivered);
        return offered;
    }
}
