package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.Capability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The near cache's coherence across engines sharing one data set, generated only when the suite runs with the
 * cache on ({@link StorageContractTck#layers()}) and the provider reports other processes' changes
 * ({@link Capability#CROSS_PROCESS_EVENTS}); elsewhere the rest of the TCK already checks that the cache changes
 * nothing within one engine.
 *
 * <p>The rule checked: a read through an engine never returns a version older than the last change that
 * engine's feed had delivered for the key when the read began, nor older than a write through that engine that
 * had completed by then (read-your-writes). A watch on each engine stands in for "delivered": the engine forgets
 * a key before any watch hears of its change. Versions grow per key, and the workload deletes nothing, so
 * "older" is a comparison of versions.
 */
public abstract class NearCacheContract extends TckConcern {
    /** Keys of the randomized workload: few, so both engines keep reading what the other keeps writing. */
    static final int KEYS = 8;
    /** Operations per thread; two engines times two threads. */
    static final int OPERATIONS = 1500;

    /** @param tck the entry class running this concern */
    protected NearCacheContract(StorageContractTck tck) {
        super(tck);
    }

    private boolean applies(StorageContractTck tck) {
        return tck.layers().anyCache() && declares(Capability.CROSS_PROCESS_EVENTS);
    }

    /**
     * @return the near cache tests, when the suite runs with the cache on a provider that shares data across
     *     processes; none otherwise
     */
    @TestFactory
    @DisplayName("Near cache tests (cache on, data shared across engines)")
    Stream<DynamicTest> nearCacheAcrossEngines() {
        if (!applies(tck())) {
            return Stream.empty();
        }
        return Stream.of(
                test(
                        "Near cache: a write through another engine replaces the cached value once its change is delivered",
                        this::otherEnginesWriteIsSeen),
                test(
                        "Near cache: randomized reads and writes on two engines never read older than delivered",
                        this::randomizedWorkload),
                test(
                        "Near cache: invalidation latency from a write in one engine to the fresh read in the other"
                                + " (printed, not asserted)",
                        this::invalidationLatency));
    }

    private DynamicTest test(String name, Runnable body) {
        return DynamicTest.dynamicTest(name, () -> {
            try {
                body.run();
            } finally {
                startNextDataSet();
            }
        });
    }

    private void otherEnginesWriteIsSeen() {
        KeyValueStore one = store();
        KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
        one.setString("k", "first");
        assertThat(two.getString("k")).hasValue("first");
        assertThat(two.getString("k")).hasValue("first");
        one.setString("k", "second");
        Await.until(
                "engine two to read the other engine's write",
                () -> two.getString("k").equals(Optional.of("second")));
        one.delete("k");
        Await.until("engine two to see the delete", () -> two.getString("k").isEmpty());
        assertThat(two.exists("k")).isFalse();
        one.setString("k", "third");
        Await.until("engine two to see a key it had cached as absent", () -> two.exists("k"));
        one.clear();
        Await.until("engine two to see the clear", () -> two.getString("k").isEmpty());
    }

    /** What one engine's watch has delivered: the highest version per key. */
    static final class Delivered implements Consumer<ChangeEvent> {
        final Map<String, Long> versions = new ConcurrentHashMap<>();
        final AtomicInteger gaps = new AtomicInteger();

        @Override
        public void accept(ChangeEvent e) {
            if (e.type() == ChangeType.OVERFLOW) {
                gaps.incrementAndGet();
                return;
            }
            OptionalLong v = e.version();
            if (e.type() == ChangeType.SET && v.isPresent() && e.key().isPresent()) {
                versions.merge(e.key().get(), v.getAsLong(), Math::max);
            }
        }

        long of(String key) {
            return versions.getOrDefault(key, 0L);
        }
    }

    private void randomizedWorkload() {
        StorageEngine[] engines = {engine(), openEngine(Map.of())};
        KeyValueStore[] stores = {engines[0].store(PLUGIN), engines[1].store(PLUGIN)};
        Delivered[] delivered = {new Delivered(), new Delivered()};
        List<Map<String, Long>> completed = List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        List<Subscription> subs = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                subs.add(stores[i].watch("*", delivered[i]));
            }
            for (int k = 0; k < KEYS; k++) {
                stores[0].setString("k" + k, "seed");
            }
            long seed = System.nanoTime();
            Concurrently.run(4, t -> {
                int e = t % 2;
                KeyValueStore s = stores[e];
                Map<String, Long> done = completed.get(e);
                Random random = new Random(seed + t);
                for (int i = 0; i < OPERATIONS; i++) {
                    String key = "k" + random.nextInt(KEYS);
                    int op = random.nextInt(100);
                    if (op < 60) {
                        long floor = Math.max(delivered[e].of(key), done.getOrDefault(key, 0L));
                        Optional<Entry> got = s.getEntry(key);
                        reads.incrementAndGet();
                        long v = got.map(Entry::version).orElse(0L);
                        if (v < floor) {
                            violations.add("engine " + e + " read " + key + " at version " + v + " after version "
                                    + floor + " was delivered or written through it");
                        }
                    } else if (op < 80) {
                        long v = s.setString(key, "e" + e + "t" + t + "i" + i);
                        done.merge(key, v, Math::max);
                    } else if (op < 90) {
                        Optional<Entry> got = s.getEntry(key);
                        if (got.isPresent()) {
                            OptionalLong v = s.compareAndSet(key, got.get().version(), bytes("cas" + t + "." + i));
                            v.ifPresent(n -> done.merge(key, n, Math::max));
                        }
                    } else {
                        String other = "k" + random.nextInt(KEYS);
                        Map<String, Long> versions = s.transaction()
                                .setString(key, "tx" + t + "." + i)
                                .setString(other, "tx" + t + "." + i)
                                .commit();
                        versions.forEach((k, v) -> done.merge(k, v, Math::max));
                    }
                }
            });
            // Quiet now: both engines come to read the same, newest version of every key.
            for (int k = 0; k < KEYS; k++) {
                String key = "k" + k;
                Await.until(
                        "both engines to read the same version of " + key,
                        () -> stores[0]
                                .getEntry(key)
                                .map(Entry::version)
                                .equals(stores[1].getEntry(key).map(Entry::version)),
                        () -> Arrays.asList(stores[0].getEntry(key), stores[1].getEntry(key)));
            }
        } finally {
            subs.forEach(Subscription::close);
        }
        System.out.printf(
                "Near cache coherence (%s): 2 engines x 2 threads x %d operations on %d keys, %d reads checked,"
                        + " %d feed gaps, cache stats %s / %s%n",
                testedProvider().id(),
                OPERATIONS,
                KEYS,
                reads.get(),
                delivered[0].gaps.get() + delivered[1].gaps.get(),
                engines[0].cacheStats().orElseThrow(),
                engines[1].cacheStats().orElseThrow());
        assertThat(violations).isEmpty();
        assertThat(engines[1].cacheStats().orElseThrow().hits())
                .as("the workload did read from the cache")
                .isPositive();
    }

    private void invalidationLatency() {
        KeyValueStore one = store();
        KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
        int rounds = 200;
        long[] micros = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            String expected = "v" + i;
            one.setString("hot", expected);
            long start = System.nanoTime();
            while (!two.getString("hot").equals(Optional.of(expected))) {
                Thread.onSpinWait();
                if (System.nanoTime() - start > Await.DEADLINE.toNanos()) {
                    throw new AssertionError("engine two never read " + expected);
                }
            }
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf(
                "Near cache invalidation latency (%s, write in engine one -> fresh read in engine two, %d rounds):"
                        + " median %d us, p99 %d us, max %d us%n",
                testedProvider().id(), rounds, micros[rounds / 2], micros[rounds * 99 / 100], micros[rounds - 1]);
    }
}
