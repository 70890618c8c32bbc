package dev.plinth.core.storage;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations of a backend without a {@link dev.plinth.spi.storage.ChangeFeed}, where the runtime does
 * what such a backend leaves out: it commits each namespace's writes one at a time (a {@link ScopeLocks}
 * stripe held around the write), reports their events from the commit results in that order, enforces
 * {@code maxKeys} when the backend has no {@link dev.plinth.spi.storage.NativeQuotas}, and reports
 * {@code EXPIRE} for keys this process wrote with a TTL, reclaiming them, once they are due
 * ({@link ExpiryTracker}). Parts the backend has natively are used; the others are {@link DefaultParts}.
 * Reads take no lock. Correct within one process, which is all a backend without a change feed may claim
 * ({@link BackendAssembly} refuses one that declares sharing across processes). Thread-safe.
 */
final class ManagedBackendOps implements BackendOps {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedBackendOps.class);
    private static final GlobPattern EVERY_KEY = GlobPattern.compile("*");

    private final StorageBackend backend;
    private final FastPaths fast;
    private final NativeCounters nativeCounters;
    private final NativePatterns patterns;
    private final DefaultParts defaults;
    private final NativeLocks locks;
    private final ChangeListener events;
    private final InstantSource clock;
    /** 0 when there is no limit, or when the backend enforces it itself. */
    private final long maxKeys;

    private final ScopeLocks scopeLocks = new ScopeLocks();
    private final ExpiryTracker expiries = new ExpiryTracker();

    ManagedBackendOps(
            StorageBackend backend, NativeLocks locks, ChangeListener events, InstantSource clock, long maxKeys) {
        this.backend = backend;
        this.defaults = new DefaultParts(backend);
        this.fast = backend instanceof FastPaths f ? f : defaults;
        this.nativeCounters = backend instanceof NativeCounters c ? c : null;
        this.patterns = backend instanceof NativePatterns p ? p : defaults;
        this.locks = locks;
        this.events = events;
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    // ------------------------------------------------------------------------------------------ reads

    @Override
    public BackendEntry get(Namespace ns, String key) {
        return fast.get(ns, key);
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
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        return backend.list(ns, pattern, afterKey, limit);
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        return patterns.count(ns, pattern);
    }

    // ------------------------------------------------------------------------------------------ writes

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        ReentrantLock lock = lock(ns);
        try {
            checkRoomFor(ns, key);
            long now = clock.millis();
            long version = fast.set(ns, key, value, ttlMillis);
            reportSet(ns, key, version, Expiry.deadline(now, ttlMillis));
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        ReentrantLock lock = lock(ns);
        try {
            if (expectedVersion == KeyValueStore.ABSENT) {
                checkRoomFor(ns, key);
            }
            long now = clock.millis();
            long version = fast.compareAndSet(ns, key, expectedVersion, value, ttlMillis);
            if (version != KeyValueStore.ABSENT) {
                reportSet(ns, key, version, Expiry.deadline(now, ttlMillis));
            }
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        ReentrantLock lock = lock(ns);
        try {
            checkRoomFor(ns, key);
            long sum = nativeCounters != null
                    ? nativeCounters.increment(ns, key, delta)
                    : defaults.increment(ns, key, delta);
            // Under the namespace's lock nobody wrote since: this read sees the increment's version.
            BackendEntry written = fast.get(ns, key);
            if (written != null) {
                events.onChange(ns, ChangeType.SET, key, written.version());
            }
            return sum;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        ReentrantLock lock = lock(ns);
        try {
            boolean deleted = fast.delete(ns, key);
            expiries.forget(ns, key);
            if (deleted) {
                events.onChange(ns, ChangeType.DELETE, key, 0);
            }
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        ReentrantLock lock = lock(ns);
        try {
            long now = clock.millis();
            boolean live = fast.expire(ns, key, ttlMillis);
            if (live) {
                expiries.track(ns, key, Expiry.deadline(now, ttlMillis));
            }
            return live;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        ReentrantLock lock = lock(ns);
        try {
            if (maxKeys > 0) {
                checkPreconditions(ns, commit.preconditions());
                checkRoomFor(ns, commit.writes());
            }
            long now = clock.millis();
            CommitResult result = backend.commit(ns, commit);
            List<Write> writes = commit.writes();
            for (int i = 0; i < writes.size(); i++) {
                Write w = writes.get(i);
                if (w instanceof Write.Put put) {
                    if (put.ttlMillis() == Write.KEEP_EXPIRY) {
                        events.onChange(ns, ChangeType.SET, put.key(), result.outcome(i));
                    } else {
                        reportSet(ns, put.key(), result.outcome(i), Expiry.deadline(now, put.ttlMillis()));
                    }
                } else if (w instanceof Write.Remove) {
                    expiries.forget(ns, w.key());
                    if (result.applied(i)) {
                        events.onChange(ns, ChangeType.DELETE, w.key(), 0);
                    }
                } else if (result.applied(i)) {
                    expiries.track(ns, w.key(), Expiry.deadline(now, ((Write.Expire) w).ttlMillis()));
                }
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        ReentrantLock lock = lock(ns);
        try {
            return defaults.removeMatching(ns, pattern, (key, wasLive) -> {
                expiries.forget(ns, key);
                if (wasLive) {
                    events.onChange(ns, ChangeType.DELETE, key, 0);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear(Namespace ns) {
        ReentrantLock lock = lock(ns);
        try {
            patterns.clear(ns);
            expiries.forgetScope(ns);
            events.onChange(ns, ChangeType.CLEAR, null, 0);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public NativeLocks locks() {
        return locks;
    }

    @Override
    public void setWatched(boolean watched) {
        // Events come from this class, which reports them whether or not anything watches.
    }

    @Override
    public void close() {
        backend.close();
    }

    // ------------------------------------------------------------------------------------------ expiry

    /**
     * Reports {@code EXPIRE} for every tracked key whose deadline has passed and that the backend no longer
     * holds live, and reclaims it with a removal. Run by the engine's scheduler every sweep interval.
     */
    void sweepExpired() {
        for (ExpiryTracker.Due due : expiries.takeDue(clock.millis())) {
            ReentrantLock lock = lock(due.ns());
            try {
                if (!expiries.isCurrent(due)) {
                    continue;
                }
                BackendEntry live = fast.get(due.ns(), due.key());
                if (live != null) {
                    // The backend's own deadline can be a millisecond later than the one recorded here.
                    expiries.track(due.ns(), due.key(), live.expiresAtMillis());
                    continue;
                }
                expiries.forget(due.ns(), due.key());
                backend.commit(due.ns(), Commit.of(new Write.Remove(due.key())));
                events.onChange(due.ns(), ChangeType.EXPIRE, due.key(), 0);
            } catch (StorageException e) {
                LOG.warn(
                        "Reclaiming expired key of scope {} failed; it stays invisible and is retried: {}",
                        due.ns(),
                        e.getMessage());
                expiries.track(due.ns(), due.key(), due.atMillis() + 1);
            } finally {
                lock.unlock();
            }
        }
    }

    /** @return the number of keys whose deadline this process tracks */
    int trackedExpiries() {
        return expiries.tracked();
    }

    // ------------------------------------------------------------------------------------------ helpers

    private ReentrantLock lock(Namespace ns) {
        ReentrantLock lock = scopeLocks.of(ns);
        lock.lock();
        return lock;
    }

    private void reportSet(Namespace ns, String key, long version, long expiresAtMillis) {
        expiries.track(ns, key, expiresAtMillis);
        events.onChange(ns, ChangeType.SET, key, version);
    }

    /** For a single-key write: a new key needs room under {@code maxKeys}. */
    private void checkRoomFor(Namespace ns, String key) {
        if (maxKeys > 0 && !fast.exists(ns, key) && patterns.count(ns, EVERY_KEY) >= maxKeys) {
            throw new QuotaExceededException(ns.path(), key, maxKeys);
        }
    }

    /** Checked here, before the quota, so a stale version is reported as the conflict it is. */
    private void checkPreconditions(Namespace ns, List<Precondition> preconditions) {
        if (preconditions.isEmpty()) {
            return;
        }
        Map<String, Long> live =
                liveVersions(ns, preconditions.stream().map(Precondition::key).toList());
        for (Precondition p : preconditions) {
            long actual = live.getOrDefault(p.key(), KeyValueStore.ABSENT);
            if (actual != p.expectedVersion()) {
                throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
            }
        }
    }

    /** For a commit: the keys it leaves live that were not, less those it removes, must fit. */
    private void checkRoomFor(Namespace ns, List<Write> writes) {
        Set<String> keys = new LinkedHashSet<>();
        writes.forEach(w -> keys.add(w.key()));
        Set<String> before = liveVersions(ns, keys).keySet();
        Map<String, Boolean> after = new java.util.LinkedHashMap<>();
        for (Write w : writes) {
            if (w instanceof Write.Put) {
                after.put(w.key(), true);
            } else if (w instanceof Write.Remove) {
                after.put(w.key(), false);
            }
        }
        long added = 0;
        long removed = 0;
        String firstNew = null;
        for (Map.Entry<String, Boolean> e : after.entrySet()) {
            boolean was = before.contains(e.getKey());
            if (e.getValue() && !was) {
                added++;
                if (firstNew == null) {
                    firstNew = e.getKey();
                }
            } else if (!e.getValue() && was) {
                removed++;
            }
        }
        if (added > 0 && patterns.count(ns, EVERY_KEY) - removed + added > maxKeys) {
            throw new QuotaExceededException(ns.path(), firstNew, maxKeys);
        }
    }

    private Map<String, Long> liveVersions(Namespace ns, Collection<String> keys) {
        Map<String, Long> versions = new HashMap<>();
        if (!keys.isEmpty()) {
            for (BackendEntry e : backend.read(ns, new ArrayList<>(new LinkedHashSet<>(keys)))) {
                versions.put(e.key(), e.version());
            }
        }
        return versions;
    }
}
