package dev.plinth.core.storage;

import dev.plinth.api.plugin.InvalidPluginIdException;
import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyPage;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.Transaction;
import dev.plinth.api.storage.TypeRef;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link KeyValueStore} a plugin holds: validates input, encodes values, copies arrays, and passes
 * its namespace to the backend as a separate argument, so no key or pattern can reach another namespace.
 * Stateless apart from its namespace; thread-safe.
 *
 * <p>About 460 lines because it implements every method of KeyValueStore, each a few lines of validation and one
 * backend call; splitting it would split one interface's implementation.
 */
final class ScopedStore implements KeyValueStore {
    /** Page size used when {@link #keys(String)} collects a whole listing. */
    private static final int FULL_LISTING_PAGE = 1000;

    private final StorageEngine engine;
    private final Namespace ns;

    ScopedStore(StorageEngine engine, Namespace ns) {
        this.engine = engine;
        this.ns = ns;
    }

    WriteChecks checks() {
        return engine.checks();
    }

    ValueCodec codec() {
        return engine.codec();
    }

    private BackendOps backend() {
        return engine.liveBackend();
    }

    @Override
    public String namespace() {
        return ns.path();
    }

    @Override
    public KeyValueStore namespace(String name) {
        Objects.requireNonNull(name, "name");
        Namespace child;
        try {
            child = ns.child(name);
        } catch (InvalidPluginIdException e) {
            // A storage call's bad argument is a StorageException, like every other one of this API.
            throw new InvalidArgumentException("name", e.getMessage(), e);
        }
        return new ScopedStore(engine, child);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<byte[]> get(String key) {
        KeyRules.validate(key);
        byte[] value = backend().getValue(ns, key);
        return value != null ? Optional.of(value.clone()) : Optional.empty();
    }

    @Override
    public Optional<ByteBuffer> getView(String key) {
        KeyRules.validate(key);
        // The backend's array is never changed once stored (FastPaths.getValue): a read-only view of it is
        // a snapshot without the copy get() makes.
        byte[] value = backend().getValue(ns, key);
        return value != null ? Optional.of(ByteBuffer.wrap(value).asReadOnlyBuffer()) : Optional.empty();
    }

    @Override
    public Optional<String> getString(String key) {
        KeyRules.validate(key);
        byte[] value = backend().getValue(ns, key);
        return value != null ? Optional.of(ValueCodec.text(value)) : Optional.empty();
    }

    @Override
    public <T> Optional<T> getObject(String key, Class<T> type) {
        Objects.requireNonNull(type, "type");
        KeyRules.validate(key);
        byte[] value = backend().getValue(ns, key);
        return value != null ? Optional.of(codec().decode(key, value, type)) : Optional.empty();
    }

    @Override
    public <T> Optional<T> getObject(String key, TypeRef<T> type) {
        Objects.requireNonNull(type, "type");
        KeyRules.validate(key);
        byte[] value = backend().getValue(ns, key);
        return value != null ? Optional.of(codec().decode(key, value, type)) : Optional.empty();
    }

    @Override
    public Optional<Entry> getEntry(String key) {
        KeyRules.validate(key);
        BackendEntry e = backend().get(ns, key);
        return e != null ? Optional.of(new StoredEntry(e, codec())) : Optional.empty();
    }

    @Override
    public boolean exists(String key) {
        KeyRules.validate(key);
        return backend().exists(ns, key);
    }

    @Override
    public Map<String, byte[]> getAll(Collection<String> keys) {
        Set<String> distinct = distinctValidKeys(keys);
        if (distinct.isEmpty()) {
            return Map.of();
        }
        List<BackendEntry> found = backend().read(ns, distinct);
        Map<String, byte[]> inOrder = inAskedOrder(distinct, found);
        if (inOrder != null) {
            return inOrder;
        }
        Map<String, byte[]> byKey = new HashMap<>(found.size() * 2);
        for (BackendEntry e : found) {
            byKey.put(e.key(), e.value());
        }
        Map<String, byte[]> result = new LinkedHashMap<>(byKey.size() * 2);
        for (String k : distinct) {
            byte[] v = byKey.get(k);
            if (v != null) {
                result.put(k, v.clone());
            }
        }
        return result;
    }

    /**
     * The result map when the backend answered in the order the keys were asked, which the SPI allows but
     * does not require (the memory and Redis backends do): then no lookup table is needed.
     *
     * @return the copies by key in asked order, or {@code null} when {@code found} is in another order
     */
    private static Map<String, byte[]> inAskedOrder(Collection<String> asked, List<BackendEntry> found) {
        Map<String, byte[]> result = new LinkedHashMap<>(Math.max(16, found.size() * 2));
        int next = 0;
        for (String k : asked) {
            if (next < found.size() && found.get(next).key().equals(k)) {
                result.put(k, found.get(next++).value().clone());
            }
        }
        return next == found.size() ? result : null;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public long set(String key, byte[] value) {
        return backend().set(ns, key, checks().ownedCopy(key, value), StorageBackend.NO_EXPIRY);
    }

    @Override
    public long set(String key, byte[] value, Duration ttl) {
        long ttlMillis = WriteChecks.ttlMillis(ttl);
        return backend().set(ns, key, checks().ownedCopy(key, value), ttlMillis);
    }

    @Override
    public long setString(String key, String value) {
        Objects.requireNonNull(value, "value");
        return backend().set(ns, key, checks().ownedText(key, value), StorageBackend.NO_EXPIRY);
    }

    @Override
    public long setString(String key, String value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        long ttlMillis = WriteChecks.ttlMillis(ttl);
        return backend().set(ns, key, checks().ownedText(key, value), ttlMillis);
    }

    @Override
    public long setObject(String key, Object value) {
        Objects.requireNonNull(value, "value");
        KeyRules.validate(key);
        return backend().set(ns, key, checks().owned(key, codec().encode(key, value)), StorageBackend.NO_EXPIRY);
    }

    @Override
    public long setObject(String key, Object value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        long ttlMillis = WriteChecks.ttlMillis(ttl);
        KeyRules.validate(key);
        return backend().set(ns, key, checks().owned(key, codec().encode(key, value)), ttlMillis);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value) {
        return backend().compareAndSet(ns, key, ABSENT, checks().ownedCopy(key, value), StorageBackend.NO_EXPIRY)
                != ABSENT;
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
        long ttlMillis = WriteChecks.ttlMillis(ttl);
        return backend().compareAndSet(ns, key, ABSENT, checks().ownedCopy(key, value), ttlMillis) != ABSENT;
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value) {
        return cas(key, expectedVersion, value, StorageBackend.NO_EXPIRY);
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        return cas(key, expectedVersion, value, WriteChecks.ttlMillis(ttl));
    }

    private OptionalLong cas(String key, long expectedVersion, byte[] value, long ttlMillis) {
        checkVersion(expectedVersion);
        long v = backend().compareAndSet(ns, key, expectedVersion, checks().ownedCopy(key, value), ttlMillis);
        return v == ABSENT ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public long increment(String key, long delta) {
        KeyRules.validate(key);
        return backend().increment(ns, key, delta);
    }

    @Override
    public boolean delete(String key) {
        KeyRules.validate(key);
        return backend().delete(ns, key);
    }

    @Override
    public void setAll(Map<String, byte[]> entries) {
        putAll(entries, StorageBackend.NO_EXPIRY);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, Duration ttl) {
        putAll(entries, WriteChecks.ttlMillis(ttl));
    }

    private void putAll(Map<String, byte[]> entries, long ttlMillis) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return;
        }
        List<Write> puts = new ArrayList<>(entries.size());
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            puts.add(new Write.Put(e.getKey(), checks().ownedCopy(e.getKey(), e.getValue()), ttlMillis));
        }
        backend().commit(ns, new Commit(List.of(), puts));
    }

    @Override
    public int deleteAll(Collection<String> keys) {
        Set<String> distinct = distinctValidKeys(keys);
        if (distinct.isEmpty()) {
            return 0;
        }
        List<Write> removals = new ArrayList<>(distinct.size());
        distinct.forEach(k -> removals.add(new Write.Remove(k)));
        CommitResult result = backend().commit(ns, new Commit(List.of(), removals));
        int deleted = 0;
        for (int i = 0; i < result.size(); i++) {
            if (result.applied(i)) {
                deleted++;
            }
        }
        return deleted;
    }

    // ---------------------------------------------------------------- expiry

    @Override
    public Optional<Duration> ttl(String key) {
        KeyRules.validate(key);
        BackendEntry e = backend().get(ns, key);
        if (e == null || e.expiresAtMillis() == StorageBackend.NO_EXPIRY) {
            return Optional.empty();
        }
        long left = e.expiresAtMillis() - engine.clock().millis();
        return left > 0 ? Optional.of(Duration.ofMillis(left)) : Optional.empty();
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        long ttlMillis = WriteChecks.ttlMillis(ttl);
        KeyRules.validate(key);
        return backend().expire(ns, key, ttlMillis);
    }

    @Override
    public boolean persist(String key) {
        KeyRules.validate(key);
        return backend().expire(ns, key, StorageBackend.NO_EXPIRY);
    }

    // ---------------------------------------------------------------- listing

    @Override
    public List<String> keys(String pattern) {
        GlobPattern glob = GlobPattern.compile(pattern);
        BackendOps backend = backend();
        List<String> all = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> page = backend.list(ns, glob, after, FULL_LISTING_PAGE);
            all.addAll(page);
            if (page.size() < FULL_LISTING_PAGE) {
                return all;
            }
            after = page.get(page.size() - 1);
        }
    }

    @Override
    public KeyPage keys(String pattern, int limit) {
        GlobPattern glob = GlobPattern.compile(pattern);
        checkLimit(limit);
        return page(backend().list(ns, glob, null, limit), limit);
    }

    @Override
    public KeyPage keysAfter(String pattern, String afterKey, int limit) {
        GlobPattern glob = GlobPattern.compile(pattern);
        checkLimit(limit);
        Objects.requireNonNull(afterKey, "afterKey (use keys(pattern, limit) for the first page)");
        // A cursor is a key of an earlier page: one no key could be (a lone surrogate, say) is a caller's bug.
        KeyRules.validate(afterKey);
        return page(backend().list(ns, glob, afterKey, limit), limit);
    }

    /** A full page may have more after it; a short one is the last. */
    private static KeyPage page(List<String> keys, int limit) {
        return new KeyPage(keys, keys.size() < limit || keys.isEmpty() ? null : keys.get(keys.size() - 1));
    }

    @Override
    public long count(String pattern) {
        return backend().count(ns, GlobPattern.compile(pattern));
    }

    @Override
    public long deleteMatching(String pattern) {
        return backend().deleteMatching(ns, GlobPattern.compile(pattern));
    }

    @Override
    public void clear() {
        backend().clear(ns);
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public Transaction transaction() {
        engine.liveBackend();
        return new StoreTransaction(this);
    }

    Map<String, Long> commit(List<Precondition> preconditions, List<Write> writes) {
        if (preconditions.isEmpty() && writes.isEmpty()) {
            engine.liveBackend();
            return Map.of();
        }
        CommitResult result = backend().commit(ns, new Commit(preconditions, writes));
        Map<String, Long> versions = new LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i) instanceof Write.Put put) {
                versions.put(put.key(), result.outcome(i));
            }
        }
        return versions;
    }

    // ---------------------------------------------------------------- watch

    @Override
    public Subscription watch(String pattern, Consumer<ChangeEvent> listener) {
        GlobPattern glob = GlobPattern.compile(pattern);
        Objects.requireNonNull(listener, "listener");
        engine.liveBackend();
        return engine.watchHub().subscribe(ns, glob, listener);
    }

    // ---------------------------------------------------------------- locks

    @Override
    public LockHandle lock(String key, Duration wait) {
        KeyRules.validate(key);
        Objects.requireNonNull(wait, "wait");
        engine.liveBackend();
        return engine.locks().lock(ns, key, wait, engine.locks().defaultLeaseMillis());
    }

    @Override
    public LockHandle lock(String key, Duration wait, Duration lease) {
        KeyRules.validate(key);
        Objects.requireNonNull(wait, "wait");
        long leaseMillis = LockService.leaseMillis(lease);
        engine.liveBackend();
        return engine.locks().lock(ns, key, wait, leaseMillis);
    }

    @Override
    public Optional<LockHandle> tryLock(String key) {
        KeyRules.validate(key);
        engine.liveBackend();
        return engine.locks().tryLock(ns, key, engine.locks().defaultLeaseMillis());
    }

    // ---------------------------------------------------------------- helpers

    private static Set<String> distinctValidKeys(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys");
        LinkedHashSet<String> distinct = new LinkedHashSet<>(Math.max(16, keys.size() * 2));
        for (String k : keys) {
            distinct.add(KeyRules.validate(k));
        }
        return distinct;
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new InvalidArgumentException("limit", "must be at least 1, was " + limit);
        }
    }

    private static void checkVersion(long version) {
        if (version < 0) {
            throw new InvalidArgumentException(
                    "expectedVersion", "must be positive, or KeyValueStore.ABSENT (0), was " + version);
        }
    }

    @Override
    public String toString() {
        return "KeyValueStore[" + ns + " on " + engine.provider().id() + "]";
    }
}
