package dev.plinth.provider.memory;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;

/** Opens backends through the provider SPI and records what they report. */
abstract class BackendFixture {
    static final Namespace NS = Namespace.of("notes");

    /** One reported change. */
    record Event(Namespace namespace, ChangeType type, String key, long version) {}

    /** Records every change, thread-safely. */
    static final class Recorder implements ChangeListener {
        private final List<Event> events = new ArrayList<>();

        @Override
        public synchronized void onChange(Namespace namespace, ChangeType type, String key, long version) {
            events.add(new Event(namespace, type, key, version));
            notifyAll();
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }

        synchronized void clear() {
            events.clear();
        }

        /** Waits (without asserting on time) until an event matching {@code p} arrives, up to 10 s. */
        synchronized boolean await(Predicate<Event> p) throws InterruptedException {
            long end = System.nanoTime() + 10_000_000_000L;
            while (events.stream().noneMatch(p)) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }

    final Recorder recorder = new Recorder();
    private final List<StorageBackend> opened = new ArrayList<>();
    /** Stands in for the runtime's scheduler, on which the backend runs its sweeps. */
    final ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "test-storage-scheduler");
        t.setDaemon(true);
        return t;
    });

    MemoryStorageBackend open(Map<String, String> options) {
        MemoryStorageProvider provider = new MemoryStorageProvider();
        ProviderConfig.Builder b = ProviderConfig.builder(provider);
        options.forEach(b::set);
        MemoryStorageBackend backend = (MemoryStorageBackend) provider.open(b.build(), new BackendContext() {
            @Override
            public ChangeListener changes() {
                return recorder;
            }

            @Override
            public InstantSource clock() {
                return InstantSource.system();
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return scheduler;
            }
        });
        opened.add(backend);
        return backend;
    }

    /** A backend whose sweeper effectively never runs, so expired items stay unreclaimed. */
    MemoryStorageBackend openWithoutSweeps() {
        return open(Map.of("sweepInterval", "1h"));
    }

    @AfterEach
    void closeBackends() {
        opened.forEach(StorageBackend::close);
        scheduler.shutdownNow();
    }

    /** @return the entry, asserting it is there */
    static BackendEntry present(BackendEntry entry) {
        org.assertj.core.api.Assertions.assertThat(entry).as("a live entry").isNotNull();
        return entry;
    }

    /** A commit of these writes without preconditions. */
    static Commit writes(Write... writes) {
        return new Commit(List.of(), List.of(writes));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Sleeps past a TTL; the tests assert on state afterwards, never on how long anything took. */
    static void sleepPast(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis + 5;
        while (System.currentTimeMillis() <= end) {
            Thread.sleep(Math.max(1, end - System.currentTimeMillis() + 1));
        }
    }
}
