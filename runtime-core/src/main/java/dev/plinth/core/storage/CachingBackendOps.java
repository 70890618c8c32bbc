package dev.plinth.core.storage;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.Write;
import java.util.Collection;
import java.util.List;

/**
 * The near cache layer: answers {@link #get} and {@link #exists} from the {@link NearCache} when it can and
 * loads misses from the layer below; every write goes to the layer below and then forgets the keys it
 * touched, so the next read loads the committed value (read-your-writes). Compare-and-set, transactions,
 * counters, listing and locks always reach the backend; their results update the cache by invalidation.
 * Installed once at open, only when some plugin's reads are cached; thread-safe.
 *
 * <p>The change feed must run for the cache to hear of other processes' writes, so this layer keeps the
 * backend watched from the start, whatever the watch hub says.
 */
final class CachingBackendOps implements BackendOps {
    private final BackendOps inner;
    private final NearCache cache;
    private boolean feedStarted;

    CachingBackendOps(BackendOps inner, NearCache cache) {
        this.inner = inner;
        this.cache = cache;
    }

    @Override
    public BackendEntry get(Namespace ns, String key) {
        NearCache.Region region = cache.region(ns);
        if (region.cache == null) {
            return inner.get(ns, key);
        }
        NearCache.CacheKey k = new NearCache.CacheKey(ns, key);
        BackendEntry hit = cache.lookup(region, k);
        if (hit != null) {
            return NearCache.isAbsent(hit) ? null : hit;
        }
        long stripe = cache.stripeToken(k);
        long epoch = cache.epochToken();
        BackendEntry loaded = inner.get(ns, key);
        cache.offer(region, k, loaded, stripe, epoch);
        return loaded;
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        NearCache.Region region = cache.region(ns);
        if (region.cache != null) {
            BackendEntry hit = cache.lookup(region, new NearCache.CacheKey(ns, key));
            if (hit != null) {
                return !NearCache.isAbsent(hit);
            }
        }
        return inner.exists(ns, key);
    }

    /** Many keys at once read the backend: one call, one consistent answer, whatever is cached. */
    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        return inner.read(ns, keys);
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        try {
            return inner.set(ns, key, value, ttlMillis);
        } finally {
            cache.invalidate(ns, key);
        }
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        try {
            return inner.compareAndSet(ns, key, expectedVersion, value, ttlMillis);
        } finally {
            // Also when it failed: a version mismatch says this process's view of the key is old.
            cache.invalidate(ns, key);
        }
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        try {
            return inner.increment(ns, key, delta);
        } finally {
            cache.invalidate(ns, key);
        }
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        try {
            return inner.delete(ns, key);
        } finally {
            cache.invalidate(ns, key);
        }
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        try {
            return inner.expire(ns, key, ttlMillis);
        } finally {
            cache.invalidate(ns, key);
        }
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        try {
            return inner.commit(ns, commit);
        } finally {
            for (Write w : commit.writes()) {
                cache.invalidate(ns, w.key());
            }
            for (Precondition p : commit.preconditions()) {
                cache.invalidate(ns, p.key());
            }
        }
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        return inner.list(ns, pattern, afterKey, limit);
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        return inner.count(ns, pattern);
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        try {
            return inner.deleteMatching(ns, pattern);
        } finally {
            cache.dropMatching(ns, pattern);
        }
    }

    @Override
    public void clear(Namespace ns) {
        try {
            inner.clear(ns);
        } finally {
            cache.dropScope(ns);
        }
    }

    @Override
    public NativeLocks locks() {
        return inner.locks();
    }

    /**
     * Starts the feed on the first call and keeps it running: the cache needs every change, watched or not.
     * The hub calls this under its own lock, never concurrently.
     */
    @Override
    public void setWatched(boolean watched) {
        if (!feedStarted) {
            feedStarted = true;
            inner.setWatched(true);
        }
    }

    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            cache.clearAll();
        }
    }

    @Override
    public String toString() {
        return "CachingBackendOps[" + inner + "]";
    }
}
