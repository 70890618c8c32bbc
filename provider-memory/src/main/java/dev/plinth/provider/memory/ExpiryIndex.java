package dev.plinth.provider.memory;

import dev.plinth.spi.storage.StorageBackend;
import java.util.Comparator;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deadlines of the stored items that expire, ordered by time, so the sweeper and the quota check visit
 * only the keys that may be due instead of scanning whole namespaces. Lock-free.
 *
 * <p>One {@link Ticket} per {@link KeyIndex.Slot} whose value expires, never later than that value's
 * deadline (invariant kept by {@link #track} under the slot's monitor, or with the namespace held
 * exclusively). A write that pushes the deadline later keeps the ticket: when the ticket comes due, the
 * sweeper finds the value still live and files a new ticket at its deadline. So a key rewritten with a
 * TTL again and again costs the skip list nothing per write, only one re-filing per TTL; only a deadline
 * moved earlier, a new key or a key losing its expiry touches the set. Hence every item due at
 * {@code now} has its ticket in {@link #due}{@code (now)}, and whoever holds a namespace exclusively
 * finds all of its expired items there.
 */
final class ExpiryIndex {

    /** A due date for one slot. Identified by (deadline, id): ids are unique. */
    static final class Ticket {
        final long at;
        final long id;
        final NamespaceState scope;
        final KeyIndex.Slot slot;

        Ticket(long at, long id, NamespaceState scope, KeyIndex.Slot slot) {
            this.at = at;
            this.id = id;
            this.scope = scope;
            this.slot = slot;
        }
    }

    private static final Comparator<Ticket> ORDER = (a, b) -> {
        int c = Long.compare(a.at, b.at);
        return c != 0 ? c : Long.compare(a.id, b.id);
    };

    private final ConcurrentSkipListSet<Ticket> tickets = new ConcurrentSkipListSet<>(ORDER);
    private final AtomicLong ids = new AtomicLong();

    /**
     * Makes {@code slot}'s ticket match the value it now holds (none: removed). Caller holds the slot's
     * monitor or the namespace exclusively.
     */
    void track(NamespaceState scope, KeyIndex.Slot slot) {
        Ticket t = slot.ticket;
        long at = slot.heldExpiresAt();
        if (!slot.heldPresent() || at == StorageBackend.NO_EXPIRY) {
            if (t != null) {
                tickets.remove(t);
                slot.ticket = null;
            }
            return;
        }
        if (t != null) {
            if (t.at <= at) {
                return; // due no later than the value: re-filed by whoever finds it due and the value live
            }
            tickets.remove(t);
        }
        t = new Ticket(at, ids.incrementAndGet(), scope, slot);
        slot.ticket = t;
        tickets.add(t);
    }

    /**
     * Handles ticket {@code t}, found due, of a slot that is still in its namespace's live index: removes
     * it if stale, or re-files it at the live value's later deadline. Caller holds the slot's monitor or
     * the namespace exclusively.
     */
    void refile(Ticket t) {
        KeyIndex.Slot slot = t.slot;
        if (slot.ticket != t) {
            tickets.remove(t);
            return;
        }
        tickets.remove(t);
        slot.ticket = null;
        track(t.scope, slot);
    }

    /**
     * @param nowMillis the current time
     * @return a live view of the tickets whose deadline has passed, earliest first
     */
    NavigableSet<Ticket> due(long nowMillis) {
        return tickets.headSet(new Ticket(nowMillis, Long.MAX_VALUE, null, null), true);
    }

    /** Drops a ticket whose slot is no longer in a live index (or no longer owns it). */
    void dropStale(Ticket ticket) {
        tickets.remove(ticket);
    }

    int size() {
        return tickets.size();
    }
}
