package dev.plinth.core.storage;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.StorageBackend;
import java.util.Collection;
import java.util.List;

/**
 * The operations of a backend with a {@link ChangeFeed}, which does everything natively (as every shipped
 * provider does): each call goes straight to the backend's own part, with nothing added on the way. Only
 * locks may be the runtime's, for a backend without {@link NativeLocks}. Thread-safe.
 */
final class NativeBackendOps implements BackendOps {
    private final StorageBackend backend;
    private final FastPaths fast;
    private final NativeCounters counters;
    private final NativePatterns patterns;
    private final ChangeFeed feed;
    private final NativeLocks locks;

    /** The caller ({@link BackendAssembly}) has checked that {@code backend} implements every part cast here. */
    NativeBackendOps(StorageBackend backend, NativeLocks locks) {
        this.backend = backend;
        this.fast = (FastPaths) backend;
        this.counters = (NativeCounters) backend;
        this.patterns = (NativePatterns) backend;
        this.feed = (ChangeFeed) backend;
        this.locks = locks;
    }

    @Override
    public BackendEntry get(Namespace ns, String key) {
        return fast.get(ns, key);
    }

    @Override
    public byte[] getValue(Namespace ns, String key) {
        return fast.getValue(ns, key);
    }

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        return backend.read(ns, keys);
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        return fast.exists(ns, key);
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return fast.set(ns, key, value, ttlMillis);
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return fast.compareAndSet(ns, key, expectedVersion, value, ttlMillis);
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return counters.increment(ns, key, delta);
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return fast.delete(ns, key);
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return fast.expire(ns, key, ttlMillis);
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        return backend.commit(ns, commit);
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        return backend.list(ns, pattern, afterKey, limit);
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        return patterns.count(ns, pattern);
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        return patterns.deleteMatching(ns, pattern);
    }

    @Override
    public void clear(Namespace ns) {
        patterns.clear(ns);
    }

    @Override
    public NativeLocks locks() {
        return locks;
    }

    @Override
    public void setWatched(boolean watched) {
        feed.setWatched(watched);
    }

    @Override
    public void close() {
        backend.close();
    }
}
