package dev.plinth.core.observed;

import static dev.plinth.core.observe.StoreOperation.DELETE;
import static dev.plinth.core.observe.StoreOperation.EXPIRE;
import static dev.plinth.core.observe.StoreOperation.GET;
import static dev.plinth.core.observe.StoreOperation.INCREMENT;
import static dev.plinth.core.observe.StoreOperation.LIST;
import static dev.plinth.core.observe.StoreOperation.LOCK;
import static dev.plinth.core.observe.StoreOperation.SET;
import static dev.plinth.core.observe.StoreOperation.WATCH_DELIVERY;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.KeyPage;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.Transaction;
import dev.plinth.api.storage.TypeRef;
import dev.plinth.core.observe.PluginObserver;
import dev.plinth.core.observe.StoreOperation;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A plugin's store with every call reported to its {@link PluginObserver}, which decides per call whether
 * it reads the clock ({@link PluginObserver#start}); lock waits are always timed. The hot single-key
 * calls are written out (no lambda, nothing allocated beyond what the store does); the rest go through
 * {@link #timed}. Thread-safe as the store it wraps.
 *
 * <p>About 400 lines because it implements every method of KeyValueStore, each a few lines around one
 * delegate call; splitting it would split one interface's implementation.
 */
public final class ObservedStore implements KeyValueStore {
    private final KeyValueStore store;
    private final PluginObserver observer;

    private ObservedStore(KeyValueStore store, PluginObserver observer) {
        this.store = store;
        this.observer = observer;
    }

    /**
     * @param store the plugin's store
     * @param observer where its calls are reported
     * @return the observed store
     */
    public static KeyValueStore wrap(KeyValueStore store, PluginObserver observer) {
        return new ObservedStore(store, observer);
    }

    private <T> T timed(StoreOperation op, Supplier<T> call) {
        long t = observer.start(op);
        try {
            T r = call.get();
            observer.completed(op, t);
            return r;
        } catch (RuntimeException e) {
            observer.failed(op, t, e);
            throw e;
        }
    }

    private void timed(StoreOperation op, Runnable call) {
        long t = observer.start(op);
        try {
            call.run();
            observer.completed(op, t);
        } catch (RuntimeException e) {
            observer.failed(op, t, e);
            throw e;
        }
    }

    /** @return the UTF-8 length of {@code s}, without encoding it */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    @Override
    public String namespace() {
        return store.namespace();
    }

    @Override
    public KeyValueStore namespace(String name) {
        return new ObservedStore(store.namespace(name), observer);
    }

    // ---------------------------------------------------------------- reads (written out: the hot path)

    @Override
    public Optional<byte[]> get(String key) {
        long t = observer.start(GET);
        try {
            Optional<byte[]> r = store.get(key);
            if (r.isPresent()) {
                observer.completedRead(GET, t, r.get().length);
            } else {
                observer.completed(GET, t);
            }
            return r;
        } catch (RuntimeException e) {
            observer.failed(GET, t, e);
            throw e;
        }
    }

    @Override
    public Optional<java.nio.ByteBuffer> getView(String key) {
        long t = observer.start(GET);
        try {
            Optional<java.nio.ByteBuffer> r = store.getView(key);
            if (r.isPresent()) {
                observer.completedRead(GET, t, r.get().remaining());
            } else {
                observer.completed(GET, t);
            }
            return r;
        } catch (RuntimeException e) {
            observer.failed(GET, t, e);
            throw e;
        }
    }

    @Override
    public Optional<String> getString(String key) {
        long t = observer.start(GET);
        try {
            Optional<String> r = store.getString(key);
            if (r.isPresent()) {
                observer.completedRead(GET, t, utf8Length(r.get()));
            } else {
                observer.completed(GET, t);
            }
            return r;
        } catch (RuntimeException e) {
            observer.failed(GET, t, e);
            throw e;
        }
    }

    @Override
    public <T> Optional<T> getObject(String key, Class<T> type) {
        long t = observer.start(GET);
        try {
            Optional<T> r = store.getObject(key, type);
            observer.completed(GET, t);
            return r;
        } catch (RuntimeException e) {
            observer.failed(GET, t, e);
            throw e;
        }
    }

    @Override
    public <T> Optional<T> getObject(String key, TypeRef<T> type) {
        return timed(GET, () -> store.getObject(key, type));
    }

    @Override
    public Optional<Entry> getEntry(String key) {
        return timed(GET, () -> store.getEntry(key));
    }

    @Override
    public boolean exists(String key) {
        long t = observer.start(GET);
        try {
            boolean r = store.exists(key);
            observer.completed(GET, t);
            return r;
        } catch (RuntimeException e) {
            observer.failed(GET, t, e);
            throw e;
        }
    }

    @Override
    public Map<String, byte[]> getAll(Collection<String> keys) {
        Map<String, byte[]> r = timed(GET, () -> store.getAll(keys));
        long bytes = 0;
        for (byte[] v : r.values()) {
            bytes += v.length;
        }
        observer.bytesRead(bytes);
        return r;
    }

    @Override
    public Optional<Duration> ttl(String key) {
        return timed(GET, () -> store.ttl(key));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public long set(String key, byte[] value) {
        long t = observer.start(SET);
        try {
            long v = store.set(key, value);
            observer.completedWrite(SET, t, value.length);
            return v;
        } catch (RuntimeException e) {
            observer.failed(SET, t, e);
            throw e;
        }
    }

    @Override
    public long set(String key, byte[] value, Duration ttl) {
        long t = observer.start(SET);
        try {
            long v = store.set(key, value, ttl);
            observer.completedWrite(SET, t, value.length);
            return v;
        } catch (RuntimeException e) {
            observer.failed(SET, t, e);
            throw e;
        }
    }

    @Override
    public long setString(String key, String value) {
        long t = observer.start(SET);
        try {
            long v = store.setString(key, value);
            observer.completedWrite(SET, t, utf8Length(value));
            return v;
        } catch (RuntimeException e) {
            observer.failed(SET, t, e);
            throw e;
        }
    }

    @Override
    public long setString(String key, String value, Duration ttl) {
        long v = timed(SET, () -> store.setString(key, value, ttl));
        observer.bytesWritten(utf8Length(value));
        return v;
    }

    @Override
    public long setObject(String key, Object value) {
        long t = observer.start(SET);
        try {
            long v = store.setObject(key, value);
            observer.completed(SET, t);
            return v;
        } catch (RuntimeException e) {
            observer.failed(SET, t, e);
            throw e;
        }
    }

    @Override
    public long setObject(String key, Object value, Duration ttl) {
        return timed(SET, () -> store.setObject(key, value, ttl));
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value) {
        boolean r = timed(SET, () -> store.setIfAbsent(key, value));
        if (r) {
            observer.bytesWritten(value.length);
        }
        return r;
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
        boolean r = timed(SET, () -> store.setIfAbsent(key, value, ttl));
        if (r) {
            observer.bytesWritten(value.length);
        }
        return r;
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value) {
        OptionalLong r = timed(SET, () -> store.compareAndSet(key, expectedVersion, value));
        if (r.isPresent()) {
            observer.bytesWritten(value.length);
        }
        return r;
    }

    @Override
    public OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl) {
        OptionalLong r = timed(SET, () -> store.compareAndSet(key, expectedVersion, value, ttl));
        if (r.isPresent()) {
            observer.bytesWritten(value.length);
        }
        return r;
    }

    @Override
    public long increment(String key, long delta) {
        long t = observer.start(INCREMENT);
        try {
            long v = store.increment(key, delta);
            observer.completed(INCREMENT, t);
            return v;
        } catch (RuntimeException e) {
            observer.failed(INCREMENT, t, e);
            throw e;
        }
    }

    @Override
    public boolean delete(String key) {
        long t = observer.start(DELETE);
        try {
            boolean r = store.delete(key);
            observer.completed(DELETE, t);
            return r;
        } catch (RuntimeException e) {
            observer.failed(DELETE, t, e);
            throw e;
        }
    }

    @Override
    public void setAll(Map<String, byte[]> entries) {
        timed(SET, () -> store.setAll(entries));
        observer.bytesWritten(sizeOf(entries));
    }

    @Override
    public void setAll(Map<String, byte[]> entries, Duration ttl) {
        timed(SET, () -> store.setAll(entries, ttl));
        observer.bytesWritten(sizeOf(entries));
    }

    private static long sizeOf(Map<String, byte[]> entries) {
        long bytes = 0;
        for (byte[] v : entries.values()) {
            bytes += v.length;
        }
        return bytes;
    }

    @Override
    public int deleteAll(Collection<String> keys) {
        return timed(DELETE, () -> store.deleteAll(keys));
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        return timed(EXPIRE, () -> store.expire(key, ttl));
    }

    @Override
    public boolean persist(String key) {
        return timed(EXPIRE, () -> store.persist(key));
    }

    // ---------------------------------------------------------------- patterns

    @Override
    public List<String> keys(String pattern) {
        return timed(LIST, () -> store.keys(pattern));
    }

    @Override
    public KeyPage keys(String pattern, int limit) {
        return timed(LIST, () -> store.keys(pattern, limit));
    }

    @Override
    public KeyPage keysAfter(String pattern, String afterKey, int limit) {
        return timed(LIST, () -> store.keysAfter(pattern, afterKey, limit));
    }

    @Override
    public long count(String pattern) {
        return timed(LIST, () -> store.count(pattern));
    }

    @Override
    public long deleteMatching(String pattern) {
        return timed(DELETE, () -> store.deleteMatching(pattern));
    }

    @Override
    public void clear() {
        timed(DELETE, store::clear);
    }

    // ---------------------------------------------------------------- transactions, watches, locks

    @Override
    public Transaction transaction() {
        return new ObservedTransaction(store.transaction(), observer);
    }

    @Override
    public Subscription watch(String pattern, Consumer<ChangeEvent> listener) {
        AtomicReference<Subscription> self = new AtomicReference<>();
        long[] droppedSoFar = {0};
        Consumer<ChangeEvent> observed = event -> {
            if (event.type() == ChangeType.OVERFLOW) {
                Subscription s = self.get();
                long dropped = s != null ? s.droppedEvents() : 0;
                // Deliveries to one listener are sequential, so this needs no synchronisation.
                observer.watchOverflowed(Math.max(0, dropped - droppedSoFar[0]));
                droppedSoFar[0] = Math.max(droppedSoFar[0], dropped);
            }
            long t = observer.start(WATCH_DELIVERY);
            try {
                listener.accept(event);
                observer.completed(WATCH_DELIVERY, t);
            } catch (RuntimeException e) {
                observer.failed(WATCH_DELIVERY, t, e);
                throw e;
            }
        };
        Subscription s = store.watch(pattern, observed);
        self.set(s);
        return s;
    }

    @Override
    public LockHandle lock(String key, Duration wait) {
        long t = System.nanoTime();
        try {
            LockHandle h = store.lock(key, wait);
            long dt = System.nanoTime() - t;
            observer.lockWaited(dt, true);
            observer.completed(LOCK, t); // lock waits are always timed: t is a clock reading
            return h;
        } catch (RuntimeException e) {
            long dt = System.nanoTime() - t;
            if (e instanceof dev.plinth.api.storage.LockTimeoutException) {
                observer.lockWaited(dt, false);
            }
            observer.failed(LOCK, t, e);
            throw e;
        }
    }

    @Override
    public LockHandle lock(String key, Duration wait, Duration lease) {
        long t = System.nanoTime();
        try {
            LockHandle h = store.lock(key, wait, lease);
            long dt = System.nanoTime() - t;
            observer.lockWaited(dt, true);
            observer.completed(LOCK, t); // lock waits are always timed: t is a clock reading
            return h;
        } catch (RuntimeException e) {
            long dt = System.nanoTime() - t;
            if (e instanceof dev.plinth.api.storage.LockTimeoutException) {
                observer.lockWaited(dt, false);
            }
            observer.failed(LOCK, t, e);
            throw e;
        }
    }

    @Override
    public Optional<LockHandle> tryLock(String key) {
        long t = System.nanoTime();
        Optional<LockHandle> h = timed(LOCK, () -> store.tryLock(key));
        observer.lockWaited(System.nanoTime() - t, h.isPresent());
        return h;
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
