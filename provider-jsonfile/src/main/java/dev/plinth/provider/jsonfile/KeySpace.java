package dev.plinth.provider.jsonfile;

import dev.plinth.spi.storage.Namespace;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * Every namespace's keys in memory: the read path. Changes are applied only by the writer holding the
 * backend's write lock, inside a write stamp of {@link #visibility}, so a reader validating its optimistic
 * stamp (or holding a read stamp) never observes half of a transaction.
 *
 * <p>Besides the keys it tracks what persistence needs: the highest version issued, which namespaces
 * changed since the last snapshot, and the keys that will expire, soonest first.
 */
final class KeySpace {
    /** A key that had an expiry when written; stale once the key changes (checked by version). */
    record Expiry(long expiresAt, Namespace ns, String key, long version) {
    }

    final ConcurrentHashMap<Namespace, NamespaceIndex> indexes = new ConcurrentHashMap<>();
    final StampedLock visibility = new StampedLock();
    /** Guarded by the backend's write lock. */
    final PriorityQueue<Expiry> expiries = new PriorityQueue<>(Comparator.comparingLong(Expiry::expiresAt));
    /** Guarded by the backend's write lock. */
    Set<Namespace> dirty = new HashSet<>();
    /** Guarded by the backend's write lock. */
    long lastVersion;

    NamespaceIndex index(Namespace ns) {
        return indexes.get(ns);
    }

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
                if (p.item().expiresAt() != 0) {
                    expiries.add(new Expiry(p.item().expiresAt(), ns, p.key(), p.item().version()));
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
}
