package dev.plinth.core.storage;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend for layer tests: a map that counts the reads reaching it, with a hook that runs in the middle of a
 * get (after the value was read, before it is returned), where a test places a concurrent change.
 */
final class MapBackendOps implements BackendOps {
    final Map<String, BackendEntry> data = new ConcurrentHashMap<>();
    final AtomicInteger gets = new AtomicInteger();
    /** Calls of {@link #getValue}, the value-only path, which {@link #gets} does not count. */
    final AtomicInteger valueGets = new AtomicInteger();

    final AtomicInteger existsCalls = new AtomicInteger();
    final AtomicLong versions = new AtomicLong();
    volatile Runnable duringGet = () -> {};
    volatile Boolean watched;

    private static String id(Namespace ns, String key) {
        return ns.path() + "\u0000" + key;
    }

    /** Writes behind the layers' back, as another process would. */
    long writeBehind(Namespace ns, String key, byte[] value) {
        long v = versions.incrementAndGet();
        data.put(id(ns, key), new BackendEntry(key, value, v, StorageBackend.NO_EXPIRY));
        return v;
    }

    @Override
    public BackendEntry get(Namespace ns, String key) {
        gets.incrementAndGet();
        BackendEntry e = data.get(id(ns, key));
        duringGet.run();
        return e;
    }

    @Override
    public byte[] getValue(Namespace ns, String key) {
        valueGets.incrementAndGet();
        BackendEntry e = data.get(id(ns, key));
        return e == null ? null : e.value();
    }

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        List<BackendEntry> out = new ArrayList<>();
        for (String k : keys) {
            BackendEntry e = data.get(id(ns, k));
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        existsCalls.incrementAndGet();
        return data.containsKey(id(ns, key));
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        long v = versions.incrementAndGet();
        data.put(id(ns, key), new BackendEntry(key, value, v, StorageBackend.NO_EXPIRY));
        return v;
    }

    /** Stores with an absolute expiry, for expiry tests. */
    long setExpiringAt(Namespace ns, String key, byte[] value, long expiresAtMillis) {
        long v = versions.incrementAndGet();
        data.put(id(ns, key), new BackendEntry(key, value, v, expiresAtMillis));
        return v;
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        BackendEntry e = data.get(id(ns, key));
        long current = e == null ? 0 : e.version();
        return current == expectedVersion ? set(ns, key, value, ttlMillis) : 0;
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        BackendEntry e = data.get(id(ns, key));
        long n = (e == null ? 0 : Long.parseLong(new String(e.value(), java.nio.charset.StandardCharsets.US_ASCII)))
                + delta;
        set(ns, key, Long.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII), StorageBackend.NO_EXPIRY);
        return n;
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return data.remove(id(ns, key)) != null;
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return data.containsKey(id(ns, key));
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        long[] out = new long[commit.writes().size()];
        for (int i = 0; i < out.length; i++) {
            Write w = commit.writes().get(i);
            if (w instanceof Write.Put p) {
                out[i] = set(ns, p.key(), p.value(), p.ttlMillis());
            } else if (w instanceof Write.Remove r) {
                out[i] = delete(ns, r.key()) ? 1 : 0;
            }
        }
        return CommitResult.of(out);
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        return List.of();
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        return 0;
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        long n = 0;
        for (String id : List.copyOf(data.keySet())) {
            if (id.startsWith(ns.path() + "\u0000")
                    && pattern.matches(id.substring(ns.path().length() + 1))) {
                data.remove(id);
                n++;
            }
        }
        return n;
    }

    @Override
    public void clear(Namespace ns) {
        data.keySet().removeIf(id -> id.startsWith(ns.path() + "\u0000"));
    }

    @Override
    public NativeLocks locks() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setWatched(boolean watched) {
        this.watched = watched;
    }

    @Override
    public void close() {}
}
