package dev.plinth.core.storage;

import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The deadlines of the keys this process wrote with a TTL, for a backend without a change feed: what lets
 * the runtime report {@code EXPIRE} for them and reclaim their space. {@link ManagedBackendOps} records
 * every write that sets or clears an expiry and, every sweep interval, takes the entries that are due.
 * A due entry still has to be checked against the backend (a later write may have moved it), which the
 * caller does under the namespace's lock.
 *
 * <p>Keys written with a TTL by an earlier process are not known here: the backend filters them out as
 * expired, but no {@code EXPIRE} is reported for them. Thread-safe (one monitor; the work under it is a map
 * and a heap update).
 */
final class ExpiryTracker {
    /** One key's deadline, as recorded; stale once the map holds another deadline for the key. */
    record Due(Namespace ns, String key, long atMillis) {}

    private final Map<Namespace, Map<String, Long>> deadlines = new HashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> Long.compare(a.atMillis, b.atMillis));

    /** Records (or, for {@link StorageBackend#NO_EXPIRY}, forgets) a key's deadline. */
    synchronized void track(Namespace ns, String key, long expiresAtMillis) {
        if (expiresAtMillis == StorageBackend.NO_EXPIRY) {
            forget(ns, key);
            return;
        }
        deadlines.computeIfAbsent(ns, n -> new HashMap<>()).put(key, expiresAtMillis);
        queue.add(new Due(ns, key, expiresAtMillis));
    }

    synchronized void forget(Namespace ns, String key) {
        Map<String, Long> scope = deadlines.get(ns);
        if (scope != null && scope.remove(key) != null && scope.isEmpty()) {
            deadlines.remove(ns);
        }
    }

    synchronized void forgetScope(Namespace ns) {
        deadlines.remove(ns);
    }

    /** @return {@code true} when {@code due} is still the key's recorded deadline */
    synchronized boolean isCurrent(Due due) {
        Map<String, Long> scope = deadlines.get(due.ns);
        Long at = scope == null ? null : scope.get(due.key);
        return at != null && at == due.atMillis;
    }

    /** @return the entries due at {@code nowMillis}, removed from the queue; stale ones are dropped */
    synchronized List<Due> takeDue(long nowMillis) {
        List<Due> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().atMillis <= nowMillis) {
            Due d = queue.poll();
            Map<String, Long> scope = deadlines.get(d.ns);
            Long at = scope == null ? null : scope.get(d.key);
            if (at != null && at == d.atMillis) {
                out.add(d);
            }
        }
        return out;
    }

    /** @return the number of keys whose deadline is recorded */
    synchronized int tracked() {
        int n = 0;
        for (Map<String, Long> scope : deadlines.values()) {
            n += scope.size();
        }
        return n;
    }
}
