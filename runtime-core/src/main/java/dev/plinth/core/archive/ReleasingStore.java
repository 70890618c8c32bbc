package dev.plinth.core.archive;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.KeyPage;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.Transaction;
import dev.plinth.api.storage.TypeRef;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The store a plugin's context hands out, scoped as the runtime's store is, that remembers the locks and
 * watches taken through it (and through the child namespaces it gives) so that they can be released when
 * the plugin stops: {@link #release()} closes every lock handle and subscription still open, and from then
 * on every call throws {@link StoreClosedException}, so a thread the stopped plugin left behind cannot
 * keep writing in its name. The data stays. Thread-safe; a call costs one volatile read besides the
 * delegate's work.
 *
 * <p>Its size is the {@link KeyValueStore} interface: one line of delegation per method.
 */
final class ReleasingStore implements KeyValueStore {
    private final KeyValueStore delegate;
    private final String pluginId;
    private final Set<LockHandle> locks;
    private final Set<Subscription> watches;
    private final AtomicBoolean released;

    /**
     * @param delegate the runtime's store scoped to the plugin
     * @param pluginId the plugin, for messages
     */
    ReleasingStore(KeyValueStore delegate, String pluginId) {
        this.delegate = delegate;
        this.pluginId = pluginId;
        this.locks = ConcurrentHashMap.newKeySet();
        this.watches = ConcurrentHashMap.newKeySet();
        this.released = new AtomicBoolean();
    }

    private ReleasingStore(KeyValueStore delegate, ReleasingStore root) {
        this.delegate = delegate;
        this.pluginId = root.pluginId;
        this.locks = root.locks;
        this.watches = root.watches;
        this.released = root.released;
    }

    /**
     * Closes every lock and watch taken through this store, then refuses further calls. Idempotent.
     *
     * @return how many locks and watches were still open
     */
    int release() {
        if (!released.compareAndSet(false, true)) {
            return 0;
        }
        int open = 0;
        for (LockHandle l : List.copyOf(locks)) {
            if (l.isHeld()) {
                open++;
            }
            l.close();
        }
        for (Subscription s : List.copyOf(watches)) {
            if (s.isActive()) {
                open++;
            }
            s.close();
        }
        locks.clear();
        watches.clear();
        return open;
    }

    private KeyValueStore live() {
        if (released.get()) {
            throw new StoreClosedException("The store of stopped plugin '" + pluginId + "'");
        }
        return delegate;
    }

    private LockHandle track(Set<LockHandle> set, LockHandle lock) {
        LockHandle tracked = new LockHandle() {
            @Override
            public String key() {
                return lock.key();
            }

            @Override
            public boolean isHeld() {
                return lock.isHeld();
            }

            @Override
            public void close() {
                set.remove(this);
                lock.close();
            }

            @Override
            public String toString() {
                return lock.toString();
            }
        };
        return register(set, tracked);
    }

    private Subscription track(Set<Subscription> set, Subscription sub) {
        Subscription tracked = new Subscription() {
            @Override
            public String pattern() {
                return sub.pattern();
            }

            @Override
            public boolean isActive() {
                return sub.isActive();
            }

            @Override
            public long droppedEvents() {
                return sub.droppedEvents();
            }

            @Override
            public void close() {
                set.remove(this);
                sub.close();
            }

            @Override
            public String toString() {
                return sub.toString();
            }
        };
        return register(set, tracked);
    }

    private <T extends AutoCloseable> T register(Set<T> set, T handle) {
        set.add(handle);
        if (released.get()) {
            // release() ran meanwhile and may have missed this one
            try {
                handle.close();
            } catch (Exception e) {
                // closing a lock or subscription throws no checked exception
            }
            throw new StoreClosedException("The store of stopped plugin '" + pluginId + "'");
        }
        return handle;
    }

    @Override
    public String namespace() {
        return delegate.namespace();
    }

    @Override
    public KeyValueStore namespace(String name) {
        return new ReleasingStore(live().namespace(name), this);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return live().get(key);
    }

    @Override
    public Optional<java.nio.ByteBuffer> getView(String key) {
        return live().getView(key);
    }

    @Override
    public Optional<String> getString(String key) {
        return live().getString(key);
    }

    @Override
    public <T> Optional<T> getObject(String key, Class<T> type) {
        return live().getObject(key, type);
    }

    @Override
    public <T> Optional<T> getObject(String key, TypeRef<T> type) {
        return live().getObject(key, type);
    }

    @Override
    public Optional<Entry> getEntry(String key) {
        return live().getEntry(key);
    }

    @Override
    public boolean exists(String key) {
        return live().exists(key);
    }

    @Override
    public Map<String, byte[]> getAll(Collection<String> keys) {
        return live().getAll(keys);
    }

    @Override
    public long set(String key, byte[] value) {
        return live().set(key, value);
    }

    @Override
    public long set(String key, byte[] value, Duration ttl) {
        return live().set(key, value, ttl);
    }

    @Override
    public long setString(String key, String value) {
        return live().setString(key, value);
    }

    @Override
    public long setString(String key, String value, Duration ttl) {
        return live().setString(key, value, ttl);
    }

    @Override
    public long setObject(String key, Object value) {
        return live().setObject(key, value);
    }

    @Override
    public long setObject(String key, Object value, Duration ttl) {
        return live().setObject(key, value, ttl);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value) {
        return live().setIfAbsent(key, value);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
        return live().setIfAbsent(key, value, ttl);
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value) {
        return live().compareAndSet(key, expectedVersion, value);
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        return live().compareAndSet(key, expectedVersion, value, ttl);
    }

    @Override
    public long increment(String key, long delta) {
        return live().increment(key, delta);
    }

    @Override
    public boolean delete(String key) {
        return live().delete(key);
    }

    @Override
    public void setAll(Map<String, byte[]> entries) {
        live().setAll(entries);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, Duration ttl) {
        live().setAll(entries, ttl);
    }

    @Override
    public int deleteAll(Collection<String> keys) {
        return live().deleteAll(keys);
    }

    @Override
    public Optional<Duration> ttl(String key) {
        return live().ttl(key);
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        return live().expire(key, ttl);
    }

    @Override
    public boolean persist(String key) {
        return live().persist(key);
    }

    @Override
    public List<String> keys(String pattern) {
        return live().keys(pattern);
    }

    @Override
    public KeyPage keys(String pattern, int limit) {
        return live().keys(pattern, limit);
    }

    @Override
    public KeyPage keysAfter(String pattern, String afterKey, int limit) {
        return live().keysAfter(pattern, afterKey, limit);
    }

    @Override
    public long count(String pattern) {
        return live().count(pattern);
    }

    @Override
    public long deleteMatching(String pattern) {
        return live().deleteMatching(pattern);
    }

    @Override
    public void clear() {
        live().clear();
    }

    @Override
    public Transaction transaction() {
        return live().transaction();
    }

    @Override
    public Subscription watch(String pattern, Consumer<ChangeEvent> listener) {
        return track(watches, live().watch(pattern, listener));
    }

    @Override
    public LockHandle lock(String key, Duration wait) {
        return track(locks, live().lock(key, wait));
    }

    @Override
    public LockHandle lock(String key, Duration wait, Duration lease) {
        return track(locks, live().lock(key, wait, lease));
    }

    @Override
    public Optional<LockHandle> tryLock(String key) {
        return live().tryLock(key).map(l -> track(locks, l));
    }
}
