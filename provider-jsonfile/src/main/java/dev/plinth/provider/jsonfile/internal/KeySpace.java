package dev.plinth.provider.jsonfile.internal;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * Every namespace's keys in memory, and the read path. Changes are applied only by the writer holding the
 * backend's write lock, inside a write stamp of {@link #visibility}, so a reader validating its optimistic
 * stamp (or holding a read stamp) never observes half of a transaction.
 *
 * <p>Besides the keys it tracks what persistence needs: the highest version issued, which namespaces
 * changed since the last snapshot, and the keys that will expire, soonest first. Methods that say "under
 * the write lock" must only be called holding it; the others are safe from any thread.
 */
final class KeySpace {
    /** A key that had an expiry when written; stale once the key changes (checked by version). */
    record Deadline(long expiresAt, Namespace ns, String key, long version) {}

    final ConcurrentHashMap<Namespace, NamespaceIndex> indexes = new ConcurrentHashMap<>();
    final StampedLock visibility = new StampedLock();
    /** Guarded by the backend's write lock. */
    private final PriorityQueue<Deadline> deadlines =
            new PriorityQueue<>(Comparator.comparingLong(Deadline::expiresAt));
    /** Guarded by the backend's write lock. */
    Set<Namespace> dirty = new HashSet<>();
    /** Guarded by the backend's write lock. */
    long lastVersion;

    NamespaceIndex index(Namespace ns) {
        return indexes.get(ns);
    }

    // ---------------------------------------------------------------- reads

    /** Reads one key without locking unless a writer was applying changes meanwhile. */
    Item live(Namespace ns, String key, long now) {
        long stamp = visibility.tryOptimisticRead();
        Item item = lookup(ns, key);
        if (!visibility.validate(stamp)) {
            stamp = visibility.readLock();
            try {
                item = lookup(ns, key);
            } finally {
                visibility.unlockRead(stamp);
            }
        }
        return item != null && item.liveAt(now) ? item : null;
    }

    /** @return the live entries among {@code keys}, in their order, from one consistent state */
    List<BackendEntry> read(Namespace ns, Collection<String> keys, long now) {
        List<BackendEntry> out = new ArrayList<>(keys.size());
        long stamp = visibility.readLock();
        try {
            NamespaceIndex index = index(ns);
            if (index != null) {
                for (String key : keys) {
                    Item item = index.items.get(key);
                    if (item != null && item.liveAt(now)) {
                        out.add(entry(key, item));
                    }
                }
            }
        } finally {
            visibility.unlockRead(stamp);
        }
        return out;
    }

    List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit, long now) {
        List<String> keys = new ArrayList<>(Math.min(limit, 256));
        long stamp = visibility.readLock();
        try {
            NamespaceIndex index = index(ns);
            if (index != null) {
                index.forEachLiveMatch(pattern, afterKey, now, key -> {
                    keys.add(key);
                    return keys.size() < limit;
                });
            }
        } finally {
            visibility.unlockRead(stamp);
        }
        return keys;
    }

    long count(Namespace ns, GlobPattern pattern, long now) {
        long[] n = new long[1];
        long stamp = visibility.readLock();
        try {
            NamespaceIndex index = index(ns);
            if (index != null) {
                index.forEachLiveMatch(pattern, null, now, key -> {
                    n[0]++;
                    return true;
                });
            }
        } finally {
            visibility.unlockRead(stamp);
        }
        return n[0];
    }

    /** Under the write lock, which keeps the state still: the live item, read without a stamp. */
    Item current(Namespace ns, String key, long now) {
        Item item = lookup(ns, key);
        return item != null && item.liveAt(now) ? item : null;
    }

    /** Under the write lock: the live keys matching {@code pattern}. */
    List<String> matching(Namespace ns, GlobPattern pattern, long now) {
        List<String> keys = new ArrayList<>();
        NamespaceIndex index = index(ns);
        if (index != null) {
            index.forEachLiveMatch(pattern, null, now, keys::add);
        }
        return keys;
    }

    private Item lookup(Namespace ns, String key) {
        NamespaceIndex index = index(ns);
        return index == null ? null : index.items.get(key);
    }

    static BackendEntry entry(String key, Item item) {
        // Stored arrays are never changed in place and the runtime copies before plugins see them.
        return new BackendEntry(key, item.value(), item.version(), item.expiresAt());
    }

    // ---------------------------------------------------------------- changes

    /** Applies committed changes; the caller holds the write lock. */
    void apply(Namespace ns, List<Change> changes) {
        long stamp = visibility.writeLock();
        try {
            applyUnlocked(ns, changes);
        } finally {
            visibility.unlockWrite(stamp);
        }
    }

    /** Applies without the visibility stamp: for recovery, before any reader exists. */
    void applyUnlocked(Namespace ns, List<Change> changes) {
        NamespaceIndex index = indexes.computeIfAbsent(ns, n -> new NamespaceIndex());
        for (Change c : changes) {
            if (c instanceof Change.Put p) {
                index.put(p.key(), p.item());
                lastVersion = Math.max(lastVersion, p.item().version());
                if (p.item().expiresAt() != StorageBackend.NO_EXPIRY) {
                    deadlines.add(new Deadline(
                            p.item().expiresAt(), ns, p.key(), p.item().version()));
                }
            } else if (c instanceof Change.Remove r) {
                index.remove(r.key());
            } else {
                // A fresh index swaps in atomically for lock-free readers; later changes go to it.
                index = new NamespaceIndex();
                indexes.put(ns, index);
            }
        }
        dirty.add(ns);
    }

    /**
     * Under the write lock: removes the keys whose deadline has passed by {@code now} and that still hold
     * the item that deadline was recorded for. Nothing is journaled: an expired key is dropped again when
     * the folder is loaded.
     *
     * @return the reclaimed keys, for the caller to report
     */
    List<Deadline> reclaimExpired(long now) {
        List<Deadline> due = new ArrayList<>();
        Deadline d;
        while ((d = deadlines.peek()) != null && d.expiresAt() <= now) {
            deadlines.poll();
            due.add(d);
        }
        if (due.isEmpty()) {
            return due;
        }
        List<Deadline> reclaimed = new ArrayList<>(due.size());
        long stamp = visibility.writeLock();
        try {
            for (Deadline x : due) {
                NamespaceIndex index = index(x.ns());
                Item item = index == null ? null : index.items.get(x.key());
                if (item != null && item.version() == x.version() && !item.liveAt(now) && index.remove(x.key(), item)) {
                    reclaimed.add(x);
                    dirty.add(x.ns());
                }
            }
        } finally {
            visibility.unlockWrite(stamp);
        }
        return reclaimed;
    }
}
