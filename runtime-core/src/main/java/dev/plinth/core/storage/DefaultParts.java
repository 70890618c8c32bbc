package dev.plinth.core.storage;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's defaults for the optional parts a backend does not implement, built on its required core
 * alone: a single-key operation is a one-write {@link StorageBackend#commit}, a counter a read and a
 * commit guarded by the version read (retried when another writer won), a pattern delete or a clear a
 * listing followed by commits of removals. Each default has the exact meaning the part's javadoc states;
 * events, quotas and expiry are added around them by {@link ManagedBackendOps}. Stateless; thread-safe
 * when the backend is.
 */
final class DefaultParts implements FastPaths, NativeCounters, NativePatterns {
    /** Keys per listing page and per removal commit. */
    static final int PAGE = 1000;

    private final StorageBackend backend;

    DefaultParts(StorageBackend backend) {
        this.backend = backend;
    }

    @Override
    public BackendEntry get(Namespace ns, String key) {
        List<BackendEntry> found = backend.read(ns, List.of(key));
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        return get(ns, key) != null;
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return backend.commit(ns, Commit.of(new Write.Put(key, value, ttlMillis)))
                .outcome(0);
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        Commit guarded = new Commit(
                List.of(new Precondition(key, expectedVersion)), List.of(new Write.Put(key, value, ttlMillis)));
        try {
            return backend.commit(ns, guarded).outcome(0);
        } catch (VersionConflictException e) {
            return KeyValueStore.ABSENT;
        }
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return backend.commit(ns, Commit.of(new Write.Remove(key))).applied(0);
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return backend.commit(ns, Commit.of(new Write.Expire(key, ttlMillis))).applied(0);
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        while (true) {
            BackendEntry current = get(ns, key);
            long sum = Counters.add(key, current == null ? 0 : Counters.parse(key, current.value()), delta);
            Commit guarded = new Commit(
                    List.of(new Precondition(key, current == null ? KeyValueStore.ABSENT : current.version())),
                    List.of(new Write.Put(key, Counters.format(sum), Write.KEEP_EXPIRY)));
            try {
                backend.commit(ns, guarded);
                return sum;
            } catch (VersionConflictException raced) {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        long n = 0;
        String after = null;
        while (true) {
            List<String> page = backend.list(ns, pattern, after, PAGE);
            n += page.size();
            if (page.size() < PAGE) {
                return n;
            }
            after = page.get(page.size() - 1);
        }
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        return removeMatching(ns, pattern, (key, removed) -> {});
    }

    @Override
    public void clear(Namespace ns) {
        // One commit of every key listed: linearisable at the commit, like a native clear. A key written
        // after the listing survives, as if written just after the clear.
        List<Write> removals = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> page = backend.list(ns, GlobPattern.compile("*"), after, PAGE);
            page.forEach(k -> removals.add(new Write.Remove(k)));
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1);
        }
        if (!removals.isEmpty()) {
            backend.commit(ns, new Commit(List.of(), removals));
        }
    }

    /** Told each key a pattern delete removed, so the caller can report it. */
    @FunctionalInterface
    interface RemovalSink {
        void removed(String key, boolean wasLive);
    }

    /** Lists a page, removes it in one commit, and goes on after its last key, until a short page. */
    long removeMatching(Namespace ns, GlobPattern pattern, RemovalSink sink) {
        long removed = 0;
        String after = null;
        while (true) {
            List<String> page = backend.list(ns, pattern, after, PAGE);
            if (page.isEmpty()) {
                return removed;
            }
            List<Write> removals = new ArrayList<>(page.size());
            page.forEach(k -> removals.add(new Write.Remove(k)));
            var result = backend.commit(ns, new Commit(List.of(), removals));
            for (int i = 0; i < page.size(); i++) {
                boolean live = result.applied(i);
                if (live) {
                    removed++;
                }
                sink.removed(page.get(i), live);
            }
            if (page.size() < PAGE) {
                return removed;
            }
            after = page.get(page.size() - 1);
        }
    }
}
