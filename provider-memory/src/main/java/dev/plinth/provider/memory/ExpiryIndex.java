package dev.plinth.provider.memory;

import java.util.Comparator;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Every stored item that has an expiry, ordered by deadline, so the sweeper and the quota check visit only
 * the items that are due instead of scanning whole namespaces. Lock-free.
 *
 * <p>Invariant, kept by the backend under the key's stripe lock: an item with an expiry that is in a
 * namespace's map has exactly one ticket here, and a ticket is removed when its item is replaced or
 * removed. A ticket is identified by (deadline, version): versions are unique per item, and the only
 * items sharing a version ({@code expire} changing a deadline) have different deadlines ({@code expire}
 * to the same deadline keeps the item) and replace each other under the lock, old ticket out first. A ticket whose item is in a live map is removed only under the key's stripe lock,
 * together with its item (stale tickets, whose item has left the live map, may go at any time), so
 * whoever holds a namespace exclusively sees a ticket for every item with a deadline in it. Whoever removes the item from its map reports the change, so each expiry is reported
 * once.
 */
final class ExpiryIndex {

    /** A due-date entry for one item. */
    static final class Ticket {
        final long at;
        final long version;
        final Scope scope;
        final String key;
        final Item item;

        Ticket(long at, long version, Scope scope, String key, Item item) {
            this.at = at;
            this.version = version;
            this.scope = scope;
            this.key = key;
            this.item = item;
        }
    }

    private static final Comparator<Ticket> ORDER = Comparator.<Ticket>comparingLong(t -> t.at)
            .thenComparingLong(t -> t.version);

    private final ConcurrentSkipListSet<Ticket> tickets = new ConcurrentSkipListSet<>(ORDER);

    void add(Scope scope, String key, Item item) {
        if (item.expires()) {
            tickets.add(new Ticket(item.expiresAt(), item.version(), scope, key, item));
        }
    }

    void remove(Item item) {
        if (item.expires()) {
            tickets.remove(new Ticket(item.expiresAt(), item.version(), null, null, null));
        }
    }

    /**
     * @param nowMillis the current time
     * @return a live view of the tickets whose deadline has passed, earliest first
     */
    NavigableSet<Ticket> due(long nowMillis) {
        return tickets.headSet(new Ticket(nowMillis, Long.MAX_VALUE, null, null, null), true);
    }

    /** Drops a ticket whose item is no longer in its map. Caller holds the key's stripe. */
    void dropStale(Ticket ticket) {
        tickets.remove(ticket);
    }

    int size() {
        return tickets.size();
    }
}
