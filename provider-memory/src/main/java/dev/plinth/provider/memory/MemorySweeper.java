package dev.plinth.provider.memory;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Namespace;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory backend's background work, run on the runtime's scheduler every {@code sweepInterval}: it
 * takes the due tickets from the {@link ExpiryIndex} (one per key that expires, never later than its
 * deadline) and removes each item that has expired, reporting {@link ChangeType#EXPIRE}, or re-files the
 * ticket at the live item's later deadline; then it retires namespaces left empty. Whoever removes an item
 * while holding its slot reports it, so each expiry is reported at most once. A writer holding a namespace
 * exclusively (a commit or a full quota) calls {@link #reclaimDue} to do the same for that namespace.
 */
final class MemorySweeper {
    private static final Logger LOG = LoggerFactory.getLogger(MemorySweeper.class);

    /** Removes a held slot's item and reports it: {@link MemoryStorageBackend}'s one way to unlink. */
    @FunctionalInterface
    interface Unlinker {
        void unlink(NamespaceState scope, KeyIndex.Slot slot, ChangeType type);
    }

    private final ConcurrentHashMap<Namespace, NamespaceState> scopes;
    private final ExpiryIndex expiries;
    private final Unlinker unlinker;
    private final AtomicBoolean closed;
    private final InstantSource clock;

    MemorySweeper(
            ConcurrentHashMap<Namespace, NamespaceState> scopes,
            ExpiryIndex expiries,
            Unlinker unlinker,
            AtomicBoolean closed,
            InstantSource clock) {
        this.scopes = scopes;
        this.expiries = expiries;
        this.unlinker = unlinker;
        this.closed = closed;
        this.clock = clock;
    }

    /**
     * Removes the due items of one namespace. Caller holds it exclusively, so no single-key writer runs
     * and the tickets' slots can be checked and changed directly.
     */
    void reclaimDue(NamespaceState scope, long now) {
        for (ExpiryIndex.Ticket t : expiries.due(now)) {
            if (t.scope == scope) {
                settle(scope, t, now);
            }
        }
    }

    /**
     * Settles a due ticket: reclaims its item if expired, re-files a ticket whose item's deadline moved
     * later, drops a stale one. Caller holds the ticket's slot (or the namespace exclusively).
     */
    private void settle(NamespaceState scope, ExpiryIndex.Ticket t, long now) {
        KeyIndex.Slot slot = t.slot;
        // The slot may have been removed, or detached by clear(), since the ticket was read.
        if (slot.dead || slot.ticket != t || scope.items.slot(slot.key) != slot) {
            expiries.dropStale(t);
            return;
        }
        if (slot.heldPresent() && !slot.heldLiveAt(now)) {
            unlinker.unlink(scope, slot, ChangeType.EXPIRE);
        } else {
            expiries.refile(t);
        }
    }

    /**
     * One pass: reclaims every due item, then retires idle namespaces. A ticket is settled only holding a
     * stripe (shared) and its slot, so a writer holding the namespace exclusively ({@link #reclaimDue})
     * still finds a ticket for every due item that is in the index.
     */
    void sweep() {
        long now = clock.millis();
        for (ExpiryIndex.Ticket t : expiries.due(now)) {
            if (closed.get()) {
                return;
            }
            NamespaceState scope = t.scope;
            StampedLock stripe = scope.sharedStripe();
            long stamp = stripe.readLock();
            try {
                synchronized (t.slot) {
                    settle(scope, t, now);
                }
            } finally {
                stripe.unlockRead(stamp);
            }
        }
        for (NamespaceState scope : scopes.values()) {
            if (scope.idle()) {
                retire(scope);
            }
        }
    }

    /**
     * Drops an idle namespace from the map so that a namespace used once does not hold memory forever.
     * Under the exclusive lock, so no writer is inside it; writers that took it from the map before find
     * it {@link NamespaceState#retired} once they hold a lock, and start again with a new one.
     */
    private void retire(NamespaceState scope) {
        scope.lockExclusive();
        try {
            if (scope.idle() && !scope.retired) {
                scope.retired = true;
                scopes.remove(scope.namespace, scope);
            }
        } finally {
            scope.unlockExclusive();
        }
    }

    /** The scheduled task: a failed pass must not cancel the schedule; the next pass retries the same tickets. */
    void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Memory storage sweeper pass failed; will retry", e);
        }
    }
}
