package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exactness and atomicity under threads: counters, quotas, batches against reads, per-key event order. */
class MemoryConcurrencyTest extends BackendFixture {
    private static final int THREADS = 4;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private <T> List<T> runAll(int threads, Callable<T> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        return results;
    }

    @Test
    void countersAreExactUnderFourThreads() throws Exception {
        MemoryStorageBackend backend = open(Map.of());
        runAll(THREADS, () -> {
            for (int i = 0; i < 10_000; i++) {
                backend.increment(NS, "hits", 1);
            }
            return null;
        });
        assertThat(text(present(backend.get(NS, "hits")).value())).isEqualTo("40000");
        List<Event> sets = recorder.events();
        assertThat(sets).hasSize(40_000);
        // One report per increment, in commit (version) order for the key.
        for (int i = 1; i < sets.size(); i++) {
            assertThat(sets.get(i).version()).isGreaterThan(sets.get(i - 1).version());
        }
    }

    @Test
    void quotaIsExactUnderFourThreadsCreatingKeys() throws Exception {
        MemoryStorageBackend backend = open(Map.of("maxKeys", "100"));
        AtomicInteger thread = new AtomicInteger();
        List<Integer> stored = runAll(THREADS, () -> {
            int me = thread.getAndIncrement();
            int ok = 0;
            for (int i = 0; i < 100; i++) {
                try {
                    backend.set(NS, "t" + me + ":" + i, bytes("x"), 0);
                    ok++;
                } catch (QuotaExceededException e) {
                    // expected once the scope is full
                }
            }
            return ok;
        });
        assertThat(stored.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(100);
        assertThat(recorder.events()).hasSize(100);
    }

    @Test
    void quotaIsExactWhenThreadsMixCreatesDeletesAndTransactions() throws Exception {
        MemoryStorageBackend backend = open(Map.of("maxKeys", "50"));
        AtomicInteger thread = new AtomicInteger();
        AtomicInteger over = new AtomicInteger();
        runAll(THREADS, () -> {
                    int me = thread.getAndIncrement();
                    for (int i = 0; i < 2_000; i++) {
                        String key = "k" + ((i * 7 + me * 13) % 80);
                        try {
                            switch (i % 4) {
                                case 0 -> backend.set(NS, key, bytes("x"), 0);
                                case 1 -> backend.delete(NS, key);
                                case 2 ->
                                    backend.commit(
                                            NS,
                                            new Commit(
                                                    List.of(),
                                                    List.of(
                                                            new Write.Put(key, bytes("y"), 0),
                                                            new Write.Put(key + "b", bytes("y"), 0))));
                                default -> backend.increment(NS, key + "c", 1);
                            }
                        } catch (QuotaExceededException e) {
                            over.incrementAndGet();
                        } catch (dev.plinth.api.storage.NotACounterException e) {
                            // a key also written with "x"; irrelevant here
                        }
                        long live = backend.count(NS, GlobPattern.compile("*"));
                        if (live > 50) {
                            return live;
                        }
                    }
                    return 0L;
                })
                .forEach(worst -> assertThat(worst).isZero());
        assertThat(over.get()).isPositive();
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isLessThanOrEqualTo(50);
    }

    @Test
    void readersNeverSeeHalfATransaction() throws Exception {
        MemoryStorageBackend backend = open(Map.of());
        backend.commit(NS, writes(new Write.Put("a", bytes("0"), 0), new Write.Put("b", bytes("0"), 0)));
        AtomicBoolean done = new AtomicBoolean();
        Future<Integer> reader = pool.submit(() -> {
            int torn = 0;
            while (!done.get()) {
                Map<String, String> seen = new HashMap<>();
                for (BackendEntry e : backend.read(NS, List.of("a", "b"))) {
                    seen.put(e.key(), text(e.value()));
                }
                if (!seen.get("a").equals(seen.get("b"))) {
                    torn++;
                }
            }
            return torn;
        });
        for (int i = 1; i <= 5_000; i++) {
            String v = Integer.toString(i);
            backend.commit(NS, writes(new Write.Put("a", bytes(v), 0), new Write.Put("b", bytes(v), 0)));
        }
        done.set(true);
        assertThat(reader.get()).isZero();
    }

    @Test
    void blindSetsOfOneKeyNeverRepeatAVersionAndReadersPairEachValueWithItsVersion() throws Exception {
        // Two writers race on one key (each draws its version before taking the key, so the loser of a
        // race must draw again) while a reader checks every entry it sees against what the sets returned.
        MemoryStorageBackend backend = open(Map.of());
        long first = backend.set(NS, "k", bytes("first"), 0L);
        AtomicBoolean done = new AtomicBoolean();
        Future<List<BackendEntry>> reader = pool.submit(() -> {
            List<BackendEntry> seen = new ArrayList<>();
            while (!done.get() && seen.size() < 200_000) {
                seen.add(backend.get(NS, "k"));
            }
            return seen;
        });
        int perWriter = 20_000;
        List<Map<Long, String>> written = runAll(2, () -> {
            String me = Thread.currentThread().getName();
            Map<Long, String> mine = new HashMap<>();
            for (int i = 0; i < perWriter; i++) {
                String value = me + "-" + i;
                mine.put(backend.set(NS, "k", bytes(value), 0L), value);
            }
            return mine;
        });
        done.set(true);
        Map<Long, String> byVersion = new HashMap<>();
        byVersion.put(first, "first");
        written.forEach(byVersion::putAll);
        assertThat(byVersion).as("one version per set, none repeated").hasSize(2 * perWriter + 1);
        List<BackendEntry> seen = reader.get();
        assertThat(seen).isNotEmpty();
        long mismatched = seen.stream()
                .filter(e -> !text(e.value()).equals(byVersion.get(e.version())))
                .count();
        assertThat(mismatched)
                .as("entries whose value is not the one set with their version")
                .isZero();
        long backwards = 0;
        for (int i = 1; i < seen.size(); i++) {
            backwards += seen.get(i).version() < seen.get(i - 1).version() ? 1 : 0;
        }
        assertThat(backwards)
                .as("reads of one key that went back to an older version")
                .isZero();
        // Reported under the key, so in commit order: each set must have stored a larger version.
        long lastReported = 0;
        long notLarger = 0;
        for (Event e : recorder.events()) {
            if (e.type() == ChangeType.SET) {
                notLarger += e.version() > lastReported ? 0 : 1;
                lastReported = e.version();
            }
        }
        assertThat(notLarger)
                .as("sets that stored a version not larger than the one before")
                .isZero();
        long last = byVersion.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(present(backend.get(NS, "k")).version()).isEqualTo(last);
    }

    @Test
    void clearIsAtomicForCountersAndListers() throws Exception {
        MemoryStorageBackend backend = open(Map.of());
        AtomicBoolean done = new AtomicBoolean();
        Future<List<Long>> reader = pool.submit(() -> {
            List<Long> odd = new ArrayList<>();
            while (!done.get()) {
                long n = backend.count(NS, GlobPattern.compile("*"));
                int listed =
                        backend.list(NS, GlobPattern.compile("k*"), null, 1000).size();
                if ((n != 0 && n != 50) || (listed != 0 && listed != 50)) {
                    odd.add(n);
                }
            }
            return odd;
        });
        for (int round = 0; round < 300; round++) {
            List<Write> puts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                puts.add(new Write.Put("k" + i, bytes("v"), 0));
            }
            backend.commit(NS, new Commit(List.of(), puts));
            backend.clear(NS);
        }
        done.set(true);
        assertThat(reader.get()).isEmpty();
    }

    @Test
    void eventsForOneKeyFollowCommitOrderAcrossWriteKinds() throws Exception {
        MemoryStorageBackend backend = open(Map.of());
        runAll(THREADS, () -> {
            for (int i = 0; i < 2_000; i++) {
                if (i % 3 == 0) {
                    backend.delete(NS, "k");
                } else {
                    backend.set(NS, "k", bytes("v"), 0);
                }
            }
            return null;
        });
        // Replaying the reports must reproduce the final state, and SET versions must only grow.
        long lastVersion = 0;
        boolean present = false;
        for (Event e : recorder.events()) {
            if (e.type() == ChangeType.SET) {
                assertThat(e.version()).isGreaterThan(lastVersion);
                lastVersion = e.version();
                present = true;
            } else {
                assertThat(present)
                        .as("DELETE is reported only for a present key")
                        .isTrue();
                present = false;
            }
        }
        assertThat(backend.exists(NS, "k")).isEqualTo(present);
        if (present) {
            assertThat(present(backend.get(NS, "k")).version()).isEqualTo(lastVersion);
        }
    }
}
