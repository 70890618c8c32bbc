package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.provider.sqlite.SqliteStorageProvider;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Opens backends for tests and records the changes they report. */
public final class TestBackends {
    private TestBackends() {}

    static SqliteStorageBackend open(Path file, ChangeListener listener, String... options) {
        return open(file, context(listener), options);
    }

    static SqliteStorageBackend open(Path file, BackendContext context, String... options) {
        ProviderConfig.Builder b =
                ProviderConfig.builder(new SqliteStorageProvider()).set("path", file.toString());
        for (int i = 0; i < options.length; i += 2) {
            b.set(options[i], options[i + 1]);
        }
        return (SqliteStorageBackend) new SqliteStorageProvider().open(b.build(), context);
    }

    /**
     * What the runtime hands a backend: the listener, the system clock, and a scheduler. Each backend gets a
     * scheduler of its own, as each runtime has one (two backends on one file stand for two processes); its
     * one daemon thread ends by itself a second after the backend's close cancelled its tasks.
     */
    public static BackendContext context(ChangeListener listener) {
        return context(listener, InstantSource.system());
    }

    /** {@link #context(ChangeListener)} on the given clock. */
    static BackendContext context(ChangeListener listener, InstantSource clock) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "test-sqlite-scheduler");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setKeepAliveTime(1, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
        return new BackendContext() {
            @Override
            public ChangeListener changes() {
                return listener;
            }

            @Override
            public InstantSource clock() {
                return clock;
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return scheduler;
            }
        };
    }

    /** @return the entry, asserting that it is there */
    static BackendEntry present(BackendEntry entry) {
        org.assertj.core.api.Assertions.assertThat(entry).as("a live entry").isNotNull();
        return entry;
    }

    /** @return a commit of these writes, without preconditions */
    static Commit writes(Write... writes) {
        return new Commit(List.of(), List.of(writes));
    }

    static SqliteStorageBackend open(Path file, String... options) {
        return open(file, ChangeListener.NONE, options);
    }

    /** @return the provider's configuration with these options, the rest at their defaults */
    public static ProviderConfig config(Map<String, String> options) {
        ProviderConfig.Builder b = ProviderConfig.builder(new SqliteStorageProvider());
        options.forEach(b::set);
        return b.build();
    }

    /**
     * Polls until {@code condition} holds. The 20 s deadline is a liveness bound for background work
     * (sweeps, polls), never a claim about speed.
     */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Still waiting after 20 s for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }

    /** One reported change. */
    record Event(String namespace, ChangeType type, String key, long version) {
        @Override
        public String toString() {
            return type + " " + namespace + " " + key + (type == ChangeType.SET ? " v" + version : "");
        }
    }

    /** What {@link Recorder} records for {@link ChangeListener#onChangesMissed}. */
    static final Event MISSED = new Event("*", ChangeType.OVERFLOW, null, 0);

    /** Records every change, thread-safely. */
    static final class Recorder implements ChangeListener {
        private final List<Event> events = new ArrayList<>();

        @Override
        public synchronized void onChange(Namespace namespace, ChangeType type, String key, long version) {
            events.add(new Event(namespace.path(), type, key, version));
        }

        /** Recorded as {@link #MISSED}. */
        @Override
        public synchronized void onChangesMissed(String cause) {
            events.add(MISSED);
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }

        synchronized void clear() {
            events.clear();
        }
    }
}
