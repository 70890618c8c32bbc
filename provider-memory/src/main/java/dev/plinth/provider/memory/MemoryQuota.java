package dev.plinth.provider.memory;

import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.spi.storage.Write;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * The {@code maxKeys} quota of the memory backend: a per-namespace entry count
 * ({@link NamespaceState#size}), reserved by compare-and-set before a new key is inserted, so the limit is
 * exact under concurrency. The count includes expired items not yet reclaimed; when it says "full", a
 * single-key write retries under the namespace's exclusive lock after reclaiming its due items, and only
 * then refuses. Chosen once at open: without a quota ({@code maxKeys} 0) the count is never kept.
 */
final class MemoryQuota {
    /** Thrown holding a slot when the quota count says "full"; the write then retries exclusively. */
    static final class ScopeFull extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScopeFull() {
            super("namespace full", null, false, false);
        }
    }

    // One instance, without a stack trace: it is control flow between two retries, never reported.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    private static final ScopeFull SCOPE_FULL = new ScopeFull();

    private final long maxKeys;

    MemoryQuota(long maxKeys) {
        this.maxKeys = maxKeys;
    }

    /** @return {@code true} when a limit applies (and the per-namespace count is kept) */
    boolean enabled() {
        return maxKeys > 0;
    }

    /**
     * Takes one place for a new key.
     *
     * @param exclusive whether the caller holds the namespace exclusively, having reclaimed its due items:
     *     then "full" is final
     * @throws ScopeFull when full and not {@code exclusive}: retry exclusively
     * @throws QuotaExceededException when full and {@code exclusive}
     */
    void reserve(NamespaceState scope, String key, boolean exclusive) {
        while (true) {
            long n = scope.size.get();
            if (n >= maxKeys) {
                if (exclusive) {
                    throw new QuotaExceededException(scope.namespace.path(), key, maxKeys);
                }
                throw SCOPE_FULL;
            }
            if (scope.size.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    /**
     * Refuses a transaction when the namespace would end with more than {@code maxKeys} live keys and it
     * creates keys. Caller holds the namespace exclusively. Names the first new key that went over.
     *
     * @param reclaimDue reclaims the namespace's due items, so that the count equals the live count
     */
    void checkCommit(NamespaceState scope, List<Write> writes, long now, ObjLongConsumer<NamespaceState> reclaimDue) {
        long delta = liveDelta(scope, writes, now);
        if (delta <= 0 || scope.size.get() + delta <= maxKeys) {
            return;
        }
        reclaimDue.accept(scope, now);
        long live = scope.size.get();
        if (live + delta > maxKeys) {
            String key = firstKeyOver(scope, writes, now, maxKeys - live);
            throw new QuotaExceededException(scope.namespace.path(), key, maxKeys);
        }
    }

    /** @return how many more live keys the namespace has after {@code writes} than before */
    private static long liveDelta(NamespaceState scope, List<Write> writes, long now) {
        Map<String, Boolean> liveAfter = new HashMap<>();
        long delta = 0;
        for (Write w : writes) {
            Boolean before = liveAfter.get(w.key());
            boolean wasLive = before != null ? before : scope.items.liveVersion(w.key(), now) != 0L;
            boolean isLive = w instanceof Write.Put || (w instanceof Write.Expire && wasLive);
            if (wasLive != isLive) {
                delta += isLive ? 1 : -1;
            }
            liveAfter.put(w.key(), isLive);
        }
        return delta;
    }

    /** @return the first key whose creation leaves more live keys than {@code room} allows */
    private static String firstKeyOver(NamespaceState scope, List<Write> writes, long now, long room) {
        Map<String, Boolean> liveAfter = new HashMap<>();
        long delta = 0;
        String firstNew = null;
        for (Write w : writes) {
            Boolean before = liveAfter.get(w.key());
            boolean wasLive = before != null ? before : scope.items.liveVersion(w.key(), now) != 0L;
            boolean isLive = w instanceof Write.Put || (w instanceof Write.Expire && wasLive);
            if (wasLive != isLive) {
                delta += isLive ? 1 : -1;
                if (isLive) {
                    firstNew = firstNew == null ? w.key() : firstNew;
                    if (delta > room) {
                        return w.key();
                    }
                }
            }
            liveAfter.put(w.key(), isLive);
        }
        return firstNew;
    }
}
