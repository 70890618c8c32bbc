package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Namespaces left empty give their memory back, and no write or lock is ever lost to that. */
class MemoryScopeRetirementTest extends BackendFixture {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private MemoryBackend openBackend() {
        return (MemoryBackend) openWithoutSweeps();
    }

    @Test
    void namespacesLeftEmptyAreDroppedAtTheNextSweep() {
        MemoryBackend backend = openBackend();
        for (int i = 0; i < 1000; i++) {
            Namespace ns = Namespace.of("user-" + i);
            backend.set(ns, "session", bytes("x"), 0);
            backend.tryLock(ns, "refresh", "t" + i, 60_000);
        }
        backend.set(NS, "kept", bytes("y"), 0);
        backend.tryLock(Namespace.of("locked-only"), "l", "t", 60_000);
        for (int i = 0; i < 1000; i++) {
            Namespace ns = Namespace.of("user-" + i);
            assertThat(backend.delete(ns, "session")).isTrue();
            assertThat(backend.unlock(ns, "refresh", "t" + i)).isTrue();
        }
        backend.clear(Namespace.of("never-written"));
        assertThat(backend.scopeCount()).isEqualTo(1003);

        backend.sweep();

        // Only the namespaces that still hold a key or a lock keep a scope.
        assertThat(backend.scopeCount()).isEqualTo(2);
        assertThat(backend.get(NS, "kept")).isPresent();
        assertThat(backend.tryLock(Namespace.of("locked-only"), "l", "other", 60_000)).isFalse();
        // A dropped namespace is simply empty, and usable again.
        Namespace again = Namespace.of("user-7");
        assertThat(backend.get(again, "session")).isEmpty();
        long v = backend.set(again, "session", bytes("back"), 0);
        assertThat(backend.get(again, "session").map(BackendEntry::version)).contains(v);
    }

    @Test
    void anExpiredKeyReclaimedBySweepLetsItsNamespaceGo() throws InterruptedException {
        MemoryBackend backend = openBackend();
        backend.set(Namespace.of("temp"), "k", bytes("x"), 1);
        sleepPast(1);
        backend.sweep();
        assertThat(recorder.events()).extracting(Event::key).containsExactly("k", "k");
        backend.sweep();
        assertThat(backend.scopeCount()).isZero();
    }

    @Test
    void writesAndLocksRacingTheSweeperAreNeverLost() throws Exception {
        MemoryBackend backend = openBackend();
        int threads = 4;
        int rounds = 20_000;
        AtomicBoolean writing = new AtomicBoolean(true);
        Future<?> sweeper = pool.submit(() -> {
            while (writing.get()) {
                backend.sweep();
            }
        });
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger lockHolders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Future<List<String>>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(pool.submit(() -> {
                start.await();
                List<String> lost = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    // Few namespaces, so threads share them while the sweeper keeps dropping empty ones.
                    Namespace ns = Namespace.of("ns-" + (i % 3));
                    String key = "k" + id;
                    byte[] value = bytes(Integer.toString(i));
                    switch (i % 4) {
                        case 0 -> backend.set(ns, key, value, 0);
                        case 1 -> backend.commit(ns, List.of(), List.of(new Write.Put(key, value, 0)));
                        case 2 -> backend.increment(ns, key + "-n", 1);
                        default -> {
                            // One lock for all threads, in a namespace the sweeper keeps dropping too.
                            Namespace lockNs = Namespace.of("ns-0");
                            if (backend.tryLock(lockNs, "shared", "t" + id, 60_000)) {
                                if (lockHolders.incrementAndGet() > 1) {
                                    overlaps.incrementAndGet();
                                }
                                lockHolders.decrementAndGet();
                                assertThat(backend.unlock(lockNs, "shared", "t" + id)).isTrue();
                            }
                            backend.set(ns, key, value, 0);
                        }
                    }
                    if (i % 4 != 2 && !backend.get(ns, key).map(e -> text(e.value())).orElse("")
                            .equals(Integer.toString(i))) {
                        lost.add(ns.path() + "/" + key + "@" + i);
                    }
                    backend.delete(ns, key);
                    backend.delete(ns, key + "-n");
                }
                return lost;
            }));
        }
        List<String> lost = new ArrayList<>();
        for (Future<List<String>> w : workers) {
            lost.addAll(w.get());
        }
        writing.set(false);
        sweeper.get();

        assertThat(lost).isEmpty();
        assertThat(overlaps.get()).isZero();
        backend.sweep();
        assertThat(backend.scopeCount()).isZero();
        assertThat(backend.count(Namespace.of("ns-0"), GlobPattern.compile("*"))).isZero();
    }

    @Test
    void quotaBackendsRetireToo() {
        MemoryBackend backend = (MemoryBackend) open(Map.of("maxKeys", "1", "sweepInterval", "1h"));
        Namespace ns = Namespace.of("q");
        backend.set(ns, "a", bytes("1"), 0);
        backend.delete(ns, "a");
        backend.sweep();
        assertThat(backend.scopeCount()).isZero();
        backend.set(ns, "b", bytes("2"), 0);
        assertThat(backend.get(ns, "b")).isPresent();
    }
}
