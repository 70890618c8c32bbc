package dev.plinth.core.storage;

import dev.plinth.core.config.CodecSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value codec layer: encodes each value on its way to the backend and decodes it on its way back, with
 * the {@link AtRestCodec} of the value's plugin (compression, encryption at rest). Keys, versions, expiry,
 * listing and counters pass untouched. Installed once at open whatever is configured: a plugin without a
 * codec still decodes framed values (written while it had one, so they never reach it as frame bytes) and
 * stores new ones as given, at the cost of a four-byte comparison per value read. Thread-safe.
 */
final class CodecBackendOps implements BackendOps {
    private final BackendOps inner;
    private final Map<CodecSettings, AtRestCodec> codecs = new HashMap<>();
    private final Map<Namespace, AtRestCodec> byNamespace = new ConcurrentHashMap<>();
    private final StorageLayers layers;

    CodecBackendOps(BackendOps inner, StorageLayers layers) {
        this.inner = inner;
        this.layers = layers;
        codecs.put(layers.codec(), new AtRestCodec(layers.codec()));
        for (CodecSettings s : layers.pluginCodec().values()) {
            codecs.computeIfAbsent(s, AtRestCodec::new);
        }
    }

    /** @return the layer below, for tests of the assembly */
    BackendOps inner() {
        return inner;
    }

    private AtRestCodec codec(Namespace ns) {
        AtRestCodec c = byNamespace.get(ns);
        return c != null ? c : byNamespace.computeIfAbsent(ns, n -> codecs.get(layers.codecFor(n.pluginId())));
    }

    private BackendEntry decoded(Namespace ns, BackendEntry e) {
        byte[] stored = e.value();
        byte[] value = codec(ns).decode(ns, e.key(), stored);
        return value == stored ? e : new BackendEntry(e.key(), value, e.version(), e.expiresAtMillis());
    }

    @Override
    public BackendEntry get(Namespace ns, String key) {
        BackendEntry e = inner.get(ns, key);
        return e == null ? null : decoded(ns, e);
    }

    /**
     * The layer below's value-only read, decoded: without this override the default would read the whole
     * entry, and every provider's {@code FastPaths.getValue} would be lost under this layer (it is always
     * installed).
     */
    @Override
    public byte[] getValue(Namespace ns, String key) {
        byte[] stored = inner.getValue(ns, key);
        return stored == null ? null : codec(ns).decode(ns, key, stored);
    }

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        List<BackendEntry> found = inner.read(ns, keys);
        List<BackendEntry> out = new ArrayList<>(found.size());
        for (BackendEntry e : found) {
            out.add(decoded(ns, e));
        }
        return out;
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        return inner.exists(ns, key);
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return inner.set(ns, key, codec(ns).encode(ns, key, value), ttlMillis);
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return inner.compareAndSet(ns, key, expectedVersion, codec(ns).encode(ns, key, value), ttlMillis);
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return inner.increment(ns, key, delta);
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return inner.delete(ns, key);
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return inner.expire(ns, key, ttlMillis);
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        AtRestCodec c = codec(ns);
        List<Write> writes = new ArrayList<>(commit.writes().size());
        for (Write w : commit.writes()) {
            writes.add(
                    w instanceof Write.Put p
                            ? new Write.Put(p.key(), c.encode(ns, p.key(), p.value()), p.ttlMillis())
                            : w);
        }
        return inner.commit(ns, new Commit(commit.preconditions(), writes));
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
        return inner.deleteMatching(ns, pattern);
    }

    @Override
    public void clear(Namespace ns) {
        inner.clear(ns);
    }

    @Override
    public NativeLocks locks() {
        return inner.locks();
    }

    @Override
    public void setWatched(boolean watched) {
        inner.setWatched(watched);
    }

    @Override
    public void close() {
        inner.close();
    }
}
