package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.KeyValueStore;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Namespaces left empty give their memory back, and no write or lock is ever lost to that. */
class MemoryScopeRetirementTest extends BackendFixture {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private MemoryStorageBackend openBackend() {
        return openWithoutSweeps();
    }

    @Test
    void namespacesLeftEmptyAreDroppedAtTheNextSweep() {
        MemoryStorageBackend backend = openBackend();
        for (int i = 0; i < 1000; i++) {
            Namespace ns = Namespace.of("user-" + i);
            backend.set(ns, "session", bytes("x"), 0);
        }
        backend.set(NS, "kept", bytes("y"), 0);
        for (int i = 0; i < 1000; i++) {
            Namespace ns = Namespace.of("user-" + i);
            assertThat(backend.delete(ns, "session")).isTrue();
        }
        backend.clear(Namespace.of("never-written"));
        assertThat(backend.scopeCount()).isEqualTo(1002);

        backend.sweep();

        // Only the namespaces that still hold a key keep a scope.
        assertThat(backend.scopeCount()).isEqualTo(1);
        assertThat(backend.get(NS, "kept")).isNotNull();
        // A dropped namespace is simply empty, and usable again.
        Namespace again = Namespace.of("user-7");
        assertThat(backend.get(again, "session")).isNull();
        long v = backend.set(again, "session", bytes("back"), 0);
        assertThat(present(backend.get(again, "session")).version()).isEqualTo(v);
    }

    @Test
    void anExpiredKeyReclaimedBySweepLetsItsNamespaceGo() throws InterruptedException {
        MemoryStorageBackend backend = openBackend();
        backend.set(Namespace.of("temp"), "k", bytes("x"), 1);
        sleepPast(1);
        backend.sweep();
        assertThat(recorder.events()).extracting(Event::key).containsExactly("k", "k");
        backend.sweep();
        assertThat(backend.scopeCount()).isZero();
    }

    @Test
    void writesRacingTheSweeperAreNeverLost() throws Exception {
        MemoryStorageBackend backend = openBackend();
        int threads = 4;
        int rounds = 20_000;
        AtomicBoolean writing = new AtomicBoolean(true);
        Future<?> sweeper = pool.submit(() -> {
            while (writing.get()) {
                backend.sweep();
            }
        });
        CyclicBarrier start = new CyclicBarrier(threads);
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
                        case 1 -> backend.commit(ns, writes(new Write.Put(key, value, 0)));
                        case 2 -> backend.increment(ns, key + "-n", 1);
                        default -> backend.compareAndSet(ns, key, KeyValueStore.ABSENT, value, 0);
                    }
                    BackendEntry read = backend.get(ns, key);
                    if (i % 4 != 2 && (read == null || !text(read.value()).equals(Integer.toString(i)))) {
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
        backend.sweep();
        assertThat(backend.scopeCount()).isZero();
        assertThat(backend.count(Namespace.of("ns-0"), GlobPattern.compile("*")))
                .isZero();
    }

    @Test
    void quotaBackendsRetireToo() {
        MemoryStorageBackend backend = open(Map.of("maxKeys", "1", "sweepInterval", "1h"));
        Namespace ns = Namespace.of("q");
        backend.set(ns, "a", bytes("1"), 0);
        backend.delete(ns, "a");
        backend.sweep();
        assertThat(backend.scopeCount()).isZero();
        backend.set(ns, "b", bytes("2"), 0);
        assertThat(backend.get(ns, "b")).isNotNull();
    }
}
