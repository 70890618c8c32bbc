package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.Expiry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The locks this backend took and has not released, for {@code lockEntries()}: the table is shared with
 * other processes, so the count is what this backend owns. Entries whose lease lapsed are dropped by the
 * sweeper, so a holder that vanished does not leak an entry.
 */
final class OwnedLocks {
    private record Id(String namespace, String name) {}

    private record Lease(String token, long until) {}

    private final ConcurrentHashMap<Id, Lease> owned = new ConcurrentHashMap<>();

    void taken(String ns, String name, String token, long until) {
        owned.put(new Id(ns, name), new Lease(token, until));
    }

    void renewed(String ns, String name, String token, long until) {
        owned.computeIfPresent(new Id(ns, name), (id, l) -> l.token().equals(token) ? new Lease(token, until) : l);
    }

    void released(String ns, String name, String token) {
        owned.computeIfPresent(new Id(ns, name), (id, l) -> l.token().equals(token) ? null : l);
    }

    void dropLapsed(long now) {
        owned.values().removeIf(l -> !Expiry.isLive(l.until(), now));
    }

    int size() {
        return owned.size();
    }
}
